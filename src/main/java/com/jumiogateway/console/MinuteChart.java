package com.jumiogateway.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pipeline page's chart as inline SVG drawn on the server: one line per series (received, processed, failed),
 * one point per minute of the window, no script and no chart library.
 */
public record MinuteChart(int width, int height, long max, List<Series> series, List<Label> labels, String summary) {

    public record Series(String name, String cssClass, String points, long total) {
    }

    public record Label(int x, String text) {
    }

    static final int WIDTH = 720;
    static final int HEIGHT = 200;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    static MinuteChart of(ConsoleQueries.MinuteCounts counts, Instant now, int minutes) {
        long last = now.getEpochSecond() / 60;
        long first = last - minutes + 1;
        long max = 1;
        for (Map<Long, Long> values : List.of(counts.received(), counts.processed(), counts.failed())) {
            for (Map.Entry<Long, Long> e : values.entrySet()) {
                if (e.getKey() >= first) {
                    max = Math.max(max, e.getValue());
                }
            }
        }
        List<Series> series = List.of(
                series("Received", "received", counts.received(), first, minutes, max),
                series("Processed", "processed", counts.processed(), first, minutes, max),
                series("Failed", "failed", counts.failed(), first, minutes, max));
        List<Label> labels = new ArrayList<>();
        int step = Math.max(1, minutes / 6);
        for (int i = 0; i < minutes; i += step) {
            labels.add(new Label(x(i, minutes), HH_MM.format(Instant.ofEpochSecond((first + i) * 60))));
        }
        String summary = "Callbacks per minute over the last " + minutes + " minutes (UTC): "
                + series.stream().map(s -> s.total() + " " + s.name().toLowerCase(java.util.Locale.ROOT))
                .reduce((a, b) -> a + ", " + b).orElse("") + "; busiest minute " + max + ".";
        return new MinuteChart(WIDTH, HEIGHT, max, series, labels, summary);
    }

    private static Series series(String name, String css, Map<Long, Long> values, long first, int minutes, long max) {
        StringBuilder points = new StringBuilder();
        long total = 0;
        for (int i = 0; i < minutes; i++) {
            long value = values.getOrDefault(first + i, 0L);
            total += value;
            long y = HEIGHT - Math.round((double) value / max * (HEIGHT - 10));
            points.append(x(i, minutes)).append(',').append(y).append(' ');
        }
        return new Series(name, css, points.toString().trim(), total);
    }

    private static int x(int minute, int minutes) {
        return minutes <= 1 ? 0 : (int) Math.round((double) minute * WIDTH / (minutes - 1));
    }
}
