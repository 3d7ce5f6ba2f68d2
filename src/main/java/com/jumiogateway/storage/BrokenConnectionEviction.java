package com.jumiogateway.storage;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Evicts pooled connections whose database went away, so the service recovers by itself when it comes back.
 * Hikari already does this for SQLState 08xxx (PostgreSQL); H2's server mode reports it with its own codes.
 */
public class BrokenConnectionEviction implements SQLExceptionOverride {

    /** H2: connection broken, database closed, database is in exclusive/closing state. */
    private static final Set<Integer> H2_CONNECTION_LOST = Set.of(90067, 90098, 90121);

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        String state = e.getSQLState();
        if ((state != null && state.startsWith("08")) || H2_CONNECTION_LOST.contains(e.getErrorCode())) {
            return Override.MUST_EVICT;
        }
        return Override.CONTINUE_EVICT;
    }
}
