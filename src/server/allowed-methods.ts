/**
 * The methods the routes take on `path` (route patterns: `:param` one segment, `*` the rest), with
 * HEAD wherever GET is (Fastify answers HEAD for every GET route). Empty when no route has the path.
 */
export function allowedMethods(routes: Array<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    const pattern = r.path.split('/').map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    if (!new RegExp(`^${pattern}$`).test(path)) continue;
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}
