package com.jumiogateway.claims;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

/** The shared claim plumbing on a queue table of its own: what is renewed, given back, and when. */
class ClaimTableTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(20);

    private JdbcTemplate jdbc;
    private ClaimTable<Long> claims;

    @BeforeEach
    void table() {
        jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:h2:mem:claims" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"));
        jdbc.execute("CREATE TABLE queue (id BIGINT PRIMARY KEY, status VARCHAR(20), claimed_by VARCHAR(100),"
                + " claimed_until TIMESTAMP)");
        InstanceIdentity me = new InstanceIdentity(new MockEnvironment().withProperty("gateway.instance-id", "me"));
        claims = new ClaimTable<>("Test queue", "queue", "id", "status = 'CLAIMED'", "claimed_until = :now",
                "claimed_until > :now", jdbc, Clock.fixed(NOW, ZoneOffset.UTC), me, () -> LEASE,
                LoggerFactory.getLogger(ClaimTableTest.class));
        // 1, 2: claimed by me; 3: claimed by another instance; 4: mine but finished
        insert(1, "CLAIMED", "me");
        insert(2, "CLAIMED", "me");
        insert(3, "CLAIMED", "other");
        insert(4, "PROCESSED", "me");
    }

    private void insert(long id, String status, String owner) {
        jdbc.update("INSERT INTO queue VALUES (?, ?, ?, ?)", id, status, owner, Timestamp.from(NOW.plusSeconds(5)));
    }

    private Instant until(long id) {
        return jdbc.queryForObject("SELECT claimed_until FROM queue WHERE id = ?", Timestamp.class, id).toInstant();
    }

    private List<Long> claimAll() {
        return claims.claim(() -> jdbc.queryForList("SELECT id FROM queue WHERE claimed_by = 'me'", Long.class),
                id -> id);
    }

    @Test
    void theHeartbeatRenewsOnlyRowsHeldAndStillInWork() {
        claimAll();
        claims.forget(2L);

        assertThat(claims.renewHeld()).isEqualTo(1);

        assertThat(until(1)).isEqualTo(NOW.plus(LEASE));
        assertThat(until(2)).isEqualTo(NOW.plusSeconds(5));
        assertThat(until(3)).isEqualTo(NOW.plusSeconds(5));
        assertThat(until(4)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void atStartUpOwnClaimsInWorkAreGivenBack() {
        assertThat(claims.releaseOwnClaims()).isEqualTo(2);

        assertThat(until(1)).isEqualTo(NOW);
        assertThat(until(2)).isEqualTo(NOW);
        assertThat(until(3)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void aFailedPollClaimsNothingAndTheNextOneGivesBackOwnClaimsNotHeld() {
        claimAll();
        claims.forget(2L);
        List<Long> none = claims.claim(() -> {
            throw new DataAccessResourceFailureException("database away");
        }, id -> id);
        assertThat(none).isEmpty();

        List<Long> claimed = claims.claim(() -> {
            claims.giveBackOrphans();
            return List.of();
        }, id -> id);

        assertThat(claimed).isEmpty();
        assertThat(until(1)).as("held: kept").isEqualTo(NOW.plusSeconds(5));
        assertThat(until(2)).as("not held: given back").isEqualTo(NOW);
        assertThat(until(3)).as("another instance's").isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void withoutAnOutageNothingIsGivenBack() {
        claims.claim(() -> {
            claims.giveBackOrphans();
            return List.<Long>of();
        }, id -> id);

        assertThat(until(2)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void atShutdownASendStillUnderWayAfterTheWaitKeepsItsLeaseAndTheRestIsGivenBack() {
        claimAll();
        assertThat(claims.startWork(1L)).isTrue();

        assertThat(claims.handOver(() -> { })).isEqualTo(1);

        assertThat(until(1)).as("still being sent: kept").isEqualTo(NOW.plusSeconds(5));
        assertThat(until(2)).as("not started: given back").isEqualTo(NOW);
        assertThat(until(3)).as("another instance's").isEqualTo(NOW.plusSeconds(5));
        assertThat(claims.startWork(2L)).as("after the hand-over nothing starts").isFalse();
    }

    @Test
    void theHandOverWaitsForASendThatEndsMomentsLaterThenWritesWaitingOutcomesBeforeGivingBack() throws Exception {
        claimAll();
        claims.startWork(1L);
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            // the receiver answered; its mark waits in memory, as the outboxes gather them
            claims.workEnded(1L);
        });
        sender.start();
        long started = System.nanoTime();

        // the waiting mark is written after the send ended and before anything is given back
        int released = claims.handOver(() -> jdbc.update("UPDATE queue SET status = 'PROCESSED' WHERE id = 1"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ClaimTable.STARTED_WAIT);
        assertThat(released).as("only the row not finished").isEqualTo(1);
        assertThat(until(1)).as("finished, not given back").isEqualTo(NOW.plusSeconds(5));
        assertThat(until(2)).isEqualTo(NOW);
        sender.join();
    }

    @Test
    void aSendCutOffWithoutAnOutcomeIsGivenBack() {
        claimAll();
        claims.startWork(1L);
        // a forced stop ended the exchange between its steps: nothing recorded, nothing under way
        claims.workEnded(1L);

        assertThat(claims.handOver(() -> { })).isEqualTo(2);

        assertThat(until(1)).isEqualTo(NOW);
        assertThat(until(2)).isEqualTo(NOW);
    }
}
