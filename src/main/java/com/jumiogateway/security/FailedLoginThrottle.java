package com.jumiogateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per client address in a fixed window (the API's Basic and Bearer logins, and the console's form
 * login with a throttle of its own): after max-failed-logins failures the address gets 429
 * until its window ends, before its credentials are even looked at (so guessing costs us nothing either).
 * Bounded: past {@link #MAX_TRACKED} addresses, expired entries are dropped; if it is still full, a further address
 * is not tracked (memory stays bounded; such a guesser is then limited only by the cost of each attempt).
 */
public final class FailedLoginThrottle {

    static final int MAX_TRACKED = 50_000;

    private record Window(Instant start, int failures) {
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    public FailedLoginThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = Math.max(1, maxFailures);
        this.window = window;
        this.clock = clock;
    }

    /** Seconds the address must wait (Retry-After), or 0 when it may try. */
    public long retryAfterSeconds(String client) {
        Instant now = clock.instant();
        Window current = windows.get(key(client));
        if (current == null || current.failures() < maxFailures) {
            return 0;
        }
        Instant end = current.start().plus(window);
        return now.isBefore(end) ? Math.max(1, (Duration.between(now, end).toMillis() + 999) / 1000) : 0;
    }

    public void failed(String client) {
        Instant now = clock.instant();
        String key = key(client);
        if (windows.size() >= MAX_TRACKED && !windows.containsKey(key)) {
            windows.values().removeIf(w -> !now.isBefore(w.start().plus(window)));
            if (windows.size() >= MAX_TRACKED) {
                return;
            }
        }
        windows.compute(key, (k, current) ->
                current == null || !now.isBefore(current.start().plus(window)) ? new Window(now, 1)
                        : new Window(current.start(), current.failures() + 1));
    }

    public void succeeded(String client) {
        windows.remove(key(client));
    }

    private static String key(String client) {
        return client == null ? "(unknown)" : client;
    }
}
