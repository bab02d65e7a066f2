package dev.fourways.growth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one benchmark fork records beside its time.
 *
 * @param classesLoaded classes the JVM loaded between the clock's start and the first answer
 * @param heapUsedMb    heap in use after start and a full GC, in MB (2^20 bytes)
 * @param mappedTypes   entity persisters (Hibernate), mapped statements (MyBatis), tables in the
 *                      generated schema (jOOQ); -1 for Jdbi and JDBC, which build nothing per table
 * @param cpuMs         CPU time of the whole JVM (all threads) during the start-up, ms; -1 when not reported
 */
public record ForkRecord(String style, String variant, int n, long classesLoaded, double heapUsedMb, int mappedTypes,
                         double cpuMs) {

    static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ForkRecord parse(String line) {
        try {
            return JSON.readValue(line, ForkRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a fork record: " + line, e);
        }
    }
}
