/** Rows a queue page shows: with one line a row, a page and its chart fit in about two screens. */
export const QUEUE_PAGE_SIZE = 25;
