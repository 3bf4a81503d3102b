/**
 * The column headers of the tables that become one card per row below xl (the token list, every
 * token): a header that cannot sort is kept for screen readers only; the sortable ones form a
 * "Sort by" bar.
 */
const th = "px-1.5 py-2.5 text-left align-bottom text-xs font-semibold tracking-wide text-gray-700 uppercase";
export const thStatic = `${th} max-xl:sr-only`;
export const thSortable = `${th} max-xl:p-0`;
