package dev.fourways.growth.styles;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Timers around a start-up's steps: each {@link #lap} records the wall-clock time since the
 * previous one under a name, in ms. {@link #OFF} records nothing (the benchmark's own runs still
 * pay two {@code nanoTime} calls per step, a few tens of ns).
 */
public final class Phases {

    /** A recorder that keeps nothing. */
    public static final Phases OFF = new Phases(false);

    private final boolean on;
    private final Map<String, Double> ms = new LinkedHashMap<>();
    private long last = System.nanoTime();

    private Phases(boolean on) {
        this.on = on;
    }

    /** A recorder whose clock starts now. */
    public static Phases start() {
        return new Phases(true);
    }

    /** Whether the start-up should run the split bootstrap that exposes its phases. */
    public boolean splitting() {
        return on;
    }

    /** Records the time since the previous lap (or the start) under {@code name}, in ms. */
    public void lap(String name) {
        long now = System.nanoTime();
        if (on) {
            ms.merge(name, (now - last) / 1e6, Double::sum);
        }
        last = now;
    }

    /** Phase name to ms, in the order first recorded. */
    public Map<String, Double> millis() {
        return new LinkedHashMap<>(ms);
    }
}
