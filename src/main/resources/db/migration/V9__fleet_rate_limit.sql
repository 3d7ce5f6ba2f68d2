-- One request ceiling for the whole fleet: the start time granted to the next request to Jumio's Retrieval API,
-- shared by every instance on this database (microseconds since the epoch; 0: nothing granted yet).
CREATE TABLE rate_limit (
    name               VARCHAR(40) PRIMARY KEY,
    next_start_micros  BIGINT      NOT NULL
);
INSERT INTO rate_limit (name, next_start_micros) VALUES ('jumio-retrieval', 0);
