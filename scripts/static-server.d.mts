export function serveStatic(
  root: string,
  port?: number,
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }>;
