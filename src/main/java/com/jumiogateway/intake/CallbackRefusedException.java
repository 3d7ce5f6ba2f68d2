package com.jumiogateway.intake;

import com.jumiogateway.api.ApiProblem;

/**
 * A callback request refused before it is stored; the status and reason go back to the caller. An ApiProblem, so the
 * same http-errors clause answers it as every other refused request.
 */
public class CallbackRefusedException extends ApiProblem {

    public CallbackRefusedException(int status, String reason, String message) {
        super(status, reason, message);
    }

    /** The reason code of the refusal (the answer's "error"; also the tag of the refusal counter). */
    public String getReason() { return getError(); }
}
