-- Jumio Platform: the account Jumio created for each end user (userReference), so the next transaction of the same
-- user updates that account (PUT) instead of creating another one (POST).
CREATE TABLE platform_account (
    user_reference VARCHAR(100) NOT NULL,
    account_id     VARCHAR(100) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT platform_account_user_reference_uq UNIQUE (user_reference)
);
CREATE INDEX platform_account_account_idx ON platform_account (account_id);

-- One row per Platform workflow execution (the stored result's scan reference): its account and end user, so
-- results can be found by account id or userReference, and the poller can build the retrieval URLs.
CREATE TABLE platform_execution (
    workflow_execution_id VARCHAR(100) PRIMARY KEY,
    account_id            VARCHAR(100) NOT NULL,
    user_reference        VARCHAR(100),
    region                VARCHAR(20),
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX platform_execution_account_idx ON platform_execution (account_id);
CREATE INDEX platform_execution_user_idx ON platform_execution (user_reference);
