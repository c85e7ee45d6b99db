// Where Redis is: the URL forms and the separate variables for a cluster and a sentinel set-up, one
// parser for all (src/redis-target.ts), checked at start by loadConfig with messages naming the variable.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { describeTarget, parseRedisTarget } from "../../src/redis-target.js";

describe("Redis targets", () => {
  it("reads one server, a cluster and a sentinel set-up, with credentials and TLS", () => {
    expect(parseRedisTarget("redis://127.0.0.1:6379/2")).toEqual({ kind: "single", url: "redis://127.0.0.1:6379/2" });
    expect(parseRedisTarget("redis+cluster://10.0.0.1:7000,10.0.0.2:7001")).toEqual({
      kind: "cluster",
      nodes: [{ host: "10.0.0.1", port: 7000 }, { host: "10.0.0.2", port: 7001 }],
      tls: false,
    });
    expect(parseRedisTarget("rediss+cluster://default:s%40cret@cache.example.com:6379")).toEqual({
      kind: "cluster",
      nodes: [{ host: "cache.example.com", port: 6379 }],
      username: "default",
      password: "s@cret",
      tls: true,
    });
    expect(parseRedisTarget("redis+sentinel://:pw@s1:26379,s2:26379,[::1]:26379/mymaster")).toEqual({
      kind: "sentinel",
      sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26379 }, { host: "::1", port: 26379 }],
      name: "mymaster",
      password: "pw",
      tls: false,
    });
  });

  it("refuses what it cannot connect to, saying what is expected", () => {
    expect(() => parseRedisTarget("http://x:1")).toThrow(/redis\+cluster:\/\/h:p,h:p/);
    expect(() => parseRedisTarget("redis+cluster://a:1,b")).toThrow(/'b' is not host:port/);
    expect(() => parseRedisTarget("redis+cluster://a:1/0")).toThrow(/no database number/);
    expect(() => parseRedisTarget("redis+sentinel://a:26379")).toThrow(/primary's name/);
    expect(() => parseRedisTarget("redis+cluster://a:70000")).toThrow(/not host:port/);
  });

  it("describes a target without its password", () => {
    expect(describeTarget(parseRedisTarget("redis+cluster://u:hunter2@a:1,b:2"))).toBe("cluster a:1,b:2");
    expect(describeTarget(parseRedisTarget("redis+sentinel://:hunter2@a:1/m"))).toBe("sentinel a:1 primary m");
    expect(describeTarget(parseRedisTarget("redis://:hunter2@h:6379"))).toBe("h:6379");
  });
});

describe("loadConfig: cluster and sentinel", () => {
  it("builds REDIS_URL from REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "127.0.0.1:7000, 127.0.0.1:7001" }).REDIS_URL).toBe("redis+cluster://127.0.0.1:7000,127.0.0.1:7001");
    expect(loadConfig({ REDIS_SENTINELS: "s1:26379,s2:26379", REDIS_SENTINEL_NAME: "triage" }).REDIS_URL).toBe("redis+sentinel://s1:26379,s2:26379/triage");
    expect(loadConfig({ REDIS_URL: "redis+cluster://a:1" }).REDIS_URL).toBe("redis+cluster://a:1");
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(loadConfig({}).REDIS_SHARDS).toBe(1);
    expect(loadConfig({ REDIS_SHARDS: "12" }).REDIS_SHARDS).toBe(12);
  });

  it("refuses two places at once, a sentinel without its primary's name, and bad nodes", () => {
    expect(() => loadConfig({ REDIS_URL: "redis://a:1", REDIS_CLUSTER_NODES: "b:2" })).toThrow(/REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_SENTINELS: "s:26379" })).toThrow(/REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINEL_NAME: "m" })).toThrow(/REDIS_SENTINELS: required with REDIS_SENTINEL_NAME/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: "a" })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: "a" })).toThrow(/REDIS_CLUSTER_NODES: 'a' is not host:port/);
    expect(() => loadConfig({ REDIS_URL: "redis+sentinel://s:1" })).toThrow(/REDIS_URL: .*primary's name/);
    expect(() => loadConfig({ REDIS_SHARDS: "0" })).toThrow(/REDIS_SHARDS/);
  });
});
