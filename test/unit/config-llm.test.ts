// LLM_* configuration: off by default, all three variables or none, errors that name the variable.
import { describe, expect, it } from "vitest";
import { ConfigError, llmSettings, loadConfig } from "../../src/config.js";

const all = { LLM_BASE_URL: "http://127.0.0.1:11434/v1", LLM_MODEL: "llama3.1", LLM_API_KEY: "ollama" };
const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the configuration to be refused");
};

describe("LLM configuration", () => {
  it("is off when nothing is set (empty variables count as unset)", () => {
    expect(llmSettings(loadConfig({}))).toBeUndefined();
    expect(llmSettings(loadConfig({ LLM_BASE_URL: "", LLM_MODEL: "", LLM_API_KEY: "" }))).toBeUndefined();
  });

  it("with all three set, gives the settings with a 4 s timeout unless told otherwise", () => {
    expect(llmSettings(loadConfig(all))).toEqual({ baseUrl: all.LLM_BASE_URL, model: "llama3.1", apiKey: "ollama", timeoutMs: 4000 });
    expect(llmSettings(loadConfig({ ...all, LLM_TIMEOUT_MS: "1500" }))?.timeoutMs).toBe(1500);
  });

  it("refuses a partial configuration, naming what is missing", () => {
    expect(errorOf({ LLM_BASE_URL: all.LLM_BASE_URL })).toMatch(/LLM_MODEL: required with LLM_BASE_URL \(set all three/);
    expect(errorOf({ LLM_BASE_URL: all.LLM_BASE_URL, LLM_MODEL: "m" })).toMatch(/LLM_API_KEY: required with LLM_BASE_URL and LLM_MODEL/);
    expect(errorOf({ LLM_API_KEY: "k" })).toMatch(/LLM_BASE_URL: required with LLM_API_KEY/);
  });

  it("refuses a base URL that is not http(s)", () => {
    expect(errorOf({ ...all, LLM_BASE_URL: "ftp://models.example" })).toMatch(/LLM_BASE_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(errorOf({ ...all, LLM_BASE_URL: "not a url" })).toMatch(/LLM_BASE_URL/);
  });
});
