package com.jumiogateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time from Linux's /proc, for the benchmarks: a process's or a thread's, whatever runs it (a JVM or not). */
public final class ProcStat {

    /** Linux's clock tick (USER_HZ), the unit of utime and stime. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStat() {
    }

    /**
     * utime + stime of the process or thread whose /proc directory this is ({@code /proc/self},
     * {@code /proc/<pid>}, {@code /proc/self/task/<tid>}), in nanoseconds (counted in ticks of 10 ms).
     */
    public static long cpuNanos(Path procDirectory) throws IOException {
        String stat = Files.readString(procDirectory.resolve("stat"));
        // the fields after the command name, which is in parentheses and may itself contain spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }
}
