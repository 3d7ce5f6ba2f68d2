package com.jumiogateway.claims;

import java.time.Duration;

/**
 * A database table used as a queue with leased claims (callback inbox, alert outbox, pending transactions). The
 * {@link ClaimHeartbeat} renews the leases of the rows this instance is still working on and, for a stable instance
 * name, gives back at start-up the claims its previous life left behind. A queue only names its {@link ClaimTable};
 * the plumbing is the table's.
 */
public interface ClaimQueue {

    /** The queue's table and the claims this instance holds in it. */
    ClaimTable<?> claimTable();

    /** For logs: which queue. */
    default String queueName() {
        return claimTable().queueName();
    }

    /** How long a claim of this queue lasts without renewal. */
    default Duration lease() {
        return claimTable().lease();
    }

    /** Extends the lease of every row this instance holds and still works on; returns how many were renewed. */
    default int renewHeld() {
        return claimTable().renewHeld();
    }

    /** Gives back every claim under this instance's name: a previous life's leftovers at start-up. */
    default int releaseOwnClaims() {
        return claimTable().releaseOwnClaims();
    }

    /**
     * Shutdown, after the routes stopped: gives back the work this instance will not do (see
     * {@link ClaimTable#handOver(Runnable)}). A queue that gathers outcomes in memory writes them in between.
     */
    default int handOver() {
        return claimTable().handOver(() -> { });
    }
}
