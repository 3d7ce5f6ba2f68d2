package com.jumiogateway.initiation;

import com.jumiogateway.api.ApiProblem;

/**
 * Jumio answered an initiation (V4 or Platform) with an error status: our caller gets a clear JSON error, never
 * Jumio's body. A rejected request is the caller's to fix (422); everything else is Jumio's or ours (502/503).
 */
final class JumioRefusals {

    private JumioRefusals() {
    }

    /**
     * @param request what was rejected ("initiation", "account")
     * @param check what the caller should check when Jumio rejects the request
     * @param credentials whose credentials Jumio refused ("API", "Platform")
     */
    static ApiProblem refusal(int jumioStatus, String request, String check, String credentials) {
        if (jumioStatus == 400 || jumioStatus == 422) {
            return new ApiProblem(422, "jumio-rejected-request", "Jumio rejected the " + request + " request (HTTP "
                    + jumioStatus + "); check " + check);
        }
        if (jumioStatus == 401 || jumioStatus == 403) {
            return new ApiProblem(502, "jumio-credentials-refused",
                    "Jumio refused the gateway's " + credentials + " credentials (HTTP " + jumioStatus + ")");
        }
        if (jumioStatus == 429) {
            return new ApiProblem(503, "jumio-rate-limited", "Jumio asks to slow down (HTTP 429); retry later");
        }
        if (jumioStatus >= 500) {
            return new ApiProblem(502, "jumio-unavailable", "Jumio is unavailable (HTTP " + jumioStatus + ")");
        }
        return new ApiProblem(502, "jumio-unexpected-answer", "Jumio answered HTTP " + jumioStatus);
    }

    /** Jumio's answer to a successful call could not be used (no ids, not JSON). */
    static ApiProblem badAnswer(String message) {
        return new ApiProblem(502, "jumio-bad-answer", message);
    }
}
