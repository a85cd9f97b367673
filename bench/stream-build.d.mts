/** Builds the stream benchmark page (or reuses an up-to-date build); returns the folder to serve. */
export function buildStreamPage(options?: { force?: boolean; quiet?: boolean }): Promise<string>;
