package com.jumiogateway.result;

import java.util.List;

/**
 * Jumio's reject reason, with our description where Jumio sent none. Unknown codes are kept as-is
 * ({@code known = false}), never rejected.
 */
public record RejectReason(String code, String description, String category, boolean known,
                           List<Detail> details) {

    public record Detail(String code, String description, boolean known) {
    }
}
