// Where Redis is: one server, a Redis Cluster (seed nodes) or a Sentinel-watched primary. One string
// form carries all three so every process, command and test hands a single REDIS_URL around:
//   redis://[user:pass@]host:port[/db]            one server (rediss:// with TLS)
//   redis+cluster://[user:pass@]h1:p1,h2:p2,...   a cluster, any reachable nodes as seeds (rediss+cluster://)
//   redis+sentinel://[user:pass@]h1:p1,h2:p2/name the primary the sentinels call `name` (rediss+sentinel://)
// src/config.ts builds the cluster and sentinel forms from REDIS_CLUSTER_NODES and REDIS_SENTINELS +
// REDIS_SENTINEL_NAME too, and checks every form with this parser at start; src/redis.ts connects with it.
export interface HostPort {
  host: string;
  port: number;
}
interface Auth {
  username?: string;
  password?: string;
  tls: boolean;
}
export type RedisTarget =
  | { kind: "single"; url: string }
  | ({ kind: "cluster"; nodes: HostPort[] } & Auth)
  | ({ kind: "sentinel"; sentinels: HostPort[]; name: string } & Auth);

export class RedisTargetError extends Error {}

const FORM = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/]*)@)?([^/@]+)(?:\/([^/?#]*))?$/;

/** `host:port,host:port` into a list; the port is required (no silent 6379 for a cluster seed). */
export function parseHostPorts(list: string, what: string): HostPort[] {
  const items = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new RedisTargetError(`${what}: no host:port given`);
  return items.map((item) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65_535) throw new RedisTargetError(`${what}: '${item}' is not host:port`);
    return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
  });
}

export function parseRedisTarget(url: string): RedisTarget {
  if (/^rediss?:\/\//.test(url)) return { kind: "single", url };
  const m = FORM.exec(url);
  if (!m) throw new RedisTargetError("must be redis://, rediss://, redis+cluster://h:p,h:p or redis+sentinel://h:p,h:p/name");
  const [, scheme, kind, userinfo, hosts, path] = m;
  const auth: Auth = { tls: scheme === "rediss" };
  if (userinfo) {
    const colon = userinfo.indexOf(":");
    const user = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const pass = colon < 0 ? "" : decodeURIComponent(userinfo.slice(colon + 1));
    if (user) auth.username = user;
    if (pass) auth.password = pass;
  }
  if (kind === "cluster") {
    if (path) throw new RedisTargetError("a cluster has no database number or name: drop the /... after the nodes");
    return { kind, nodes: parseHostPorts(hosts!, "cluster nodes"), ...auth };
  }
  if (!path) throw new RedisTargetError("redis+sentinel:// needs the primary's name after the sentinels: redis+sentinel://h:p,h:p/mymaster");
  return { kind: "sentinel", sentinels: parseHostPorts(hosts!, "sentinels"), name: decodeURIComponent(path), ...auth };
}

const list = (hs: HostPort[]) => hs.map((h) => (h.host.includes(":") ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`)).join(",");

/** The string form of a cluster or sentinel target (what config builds from the separate variables). */
export const clusterUrl = (nodes: HostPort[], tls = false) => `${tls ? "rediss" : "redis"}+cluster://${list(nodes)}`;
export const sentinelUrl = (sentinels: HostPort[], name: string, tls = false) => `${tls ? "rediss" : "redis"}+sentinel://${list(sentinels)}/${encodeURIComponent(name)}`;

/** Where a target points, for logs and banners: hosts only, never a password. */
export function describeTarget(t: RedisTarget): string {
  switch (t.kind) {
    case "single": {
      try {
        return new URL(t.url).host;
      } catch {
        return "redis";
      }
    }
    case "cluster":
      return `cluster ${list(t.nodes)}`;
    case "sentinel":
      return `sentinel ${list(t.sentinels)} primary ${t.name}`;
  }
}
