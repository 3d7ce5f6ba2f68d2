-- Transactions we are waiting for a result on: initiated here (V4 initiate) or registered by another system.
-- A stored result for the scan reference (callback or retrieval) resolves the row; the reconciliation poller
-- asks Jumio's Retrieval API for rows whose callback is overdue.
CREATE TABLE pending_transaction (
    scan_reference              VARCHAR(100) PRIMARY KEY,
    kind                        VARCHAR(40)  NOT NULL,
    data_center                 VARCHAR(8)   NOT NULL,
    origin                      VARCHAR(20)  NOT NULL,
    customer_internal_reference VARCHAR(100),
    user_reference              VARCHAR(100),
    initiated_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    token_lifetime_minutes      INTEGER      NOT NULL,
    overdue_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    state                       VARCHAR(20)  NOT NULL,
    attempts                    INTEGER      NOT NULL DEFAULT 0,
    consecutive_errors          INTEGER      NOT NULL DEFAULT 0,
    next_poll_at                TIMESTAMP WITH TIME ZONE,
    last_polled_at              TIMESTAMP WITH TIME ZONE,
    last_polled_by              VARCHAR(100),
    last_status                 VARCHAR(40),
    last_error                  VARCHAR(500),
    claimed_by                  VARCHAR(100),
    claimed_until               TIMESTAMP WITH TIME ZONE,
    resolved_at                 TIMESTAMP WITH TIME ZONE,
    resolution_source           VARCHAR(20),
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX pending_transaction_due_idx ON pending_transaction (state, next_poll_at);

-- Present while Jumio refuses our retrieval credentials (401/403): every instance stops polling except for one
-- probe request per probe interval; the first successful poll deletes the row.
CREATE TABLE retrieval_credentials_block (
    name          VARCHAR(40) PRIMARY KEY,
    http_status   INTEGER     NOT NULL,
    blocked_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    next_probe_at TIMESTAMP WITH TIME ZONE NOT NULL,
    blocked_by    VARCHAR(100)
);
