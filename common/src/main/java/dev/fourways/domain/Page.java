package dev.fourways.domain;

import java.util.List;

/**
 * One page of an offset-paginated listing.
 *
 * @param items      the rows of this page, in the listing's order; empty past the last page
 * @param pageNumber from 0
 * @param pageSize   the requested size (the last page may hold fewer items)
 * @param totalItems how many rows the whole listing has
 * @param <T>        the row type
 */
public record Page<T>(List<T> items, int pageNumber, int pageSize, long totalItems) {

    public Page {
        items = List.copyOf(Validation.require("items", items));
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        if (totalItems < 0) {
            throw Validation.invalid("totalItems", "must be 0 or more, was " + totalItems);
        }
    }

    /** How many pages the listing has: 0 when it is empty. */
    public int totalPages() {
        return (int) ((totalItems + pageSize - 1) / pageSize);
    }

    /** The number of rows to skip to reach this page (its SQL {@code OFFSET}). */
    public static long offset(int pageNumber, int pageSize) {
        return (long) pageNumber * pageSize;
    }
}
