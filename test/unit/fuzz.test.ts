// Property-based tests (fast-check): whatever arrives, the pure parts neither throw nor produce a
// value their schema refuses, and the classification rules hold for every combination of answers.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { StepValue, TextModalMeta, TicketModalMeta, decode } from "../../adapters/slack/ids.js";
import { SubmitData, parseSubmit } from "../../adapters/teams/submit.js";
import type { App } from "../../src/app.js";
import type { Input } from "../../src/bot/conversation.js";
import { replay } from "../../src/bot/oneshot.js";
import { Classification, classify } from "../../src/domain/classify.js";
import * as engine from "../../src/domain/engine.js";
import { preTriage, SIGNAL_TARGETS } from "../../src/domain/pretriage.js";
import { MAX_MARKER_LENGTH, redact } from "../../src/domain/redact.js";
import { RoutingDecision } from "../../src/domain/route.js";
import { Answers, AttackKind, CONTRACT, Asset, Cia, CoreAnswers, Exploitable, FailureKind, Harm, Intent, Ongoing, Scope } from "../../src/domain/vocabulary.js";
import { Conversation } from "../../src/store/types.js";
import { testApp } from "../support/app.js";
import { defs } from "../support/defs.js";

const runs = (n: number) => ({ numRuns: n });
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 120 }), fc.string({ unit: "binary", maxLength: 120 }));

// ---- flow engine ----------------------------------------------------------------------------------

type Cmd =
  | { t: "valid"; pick: number; words: string }
  | { t: "junk"; value: unknown }
  | { t: "wrong"; id: string; value: unknown }
  | { t: "back" }
  | { t: "decide"; decision: "keep-all" | "keep" | "change"; pick: number }
  | { t: "suggest"; words: string };
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant("valid" as const), pick: fc.nat(), words: text }) },
  fc.record({ t: fc.constant("junk" as const), value: fc.anything() }),
  fc.record({ t: fc.constant("wrong" as const), id: fc.string({ maxLength: 70 }), value: fc.anything() }),
  { weight: 2, arbitrary: fc.record({ t: fc.constant("back" as const) }) },
  fc.record({ t: fc.constant("decide" as const), decision: fc.constantFrom("keep-all" as const, "keep" as const, "change" as const), pick: fc.nat() }),
  fc.record({ t: fc.constant("suggest" as const), words: text }),
);

/** 0 keeps all, 1 keeps one, 2 changes one; `pick` chooses the item (past the end: refused). */
function decision(items: engine.InferredItem[], kind: number, pick: number): engine.InferredDecision {
  if (kind === 0) return { decision: "keep-all" };
  const questionId = items[pick % (items.length + 1)]?.question.id ?? "nope";
  return { decision: kind === 1 ? "keep" : "change", questionId };
}

function apply(state: engine.FlowState, c: Cmd): engine.FlowState {
  const flow = defs().flow;
  const step = engine.nextStep(flow, state);
  const ok = (r: engine.AnswerResult) => (r.ok ? r.state : state);
  switch (c.t) {
    case "valid": {
      if (step.kind === "confirm-inferred") return ok(engine.decideInferred(flow, state, decision(step.items, c.pick % 3, c.pick)));
      if (step.kind !== "question") return state;
      const q = step.question;
      if (q.kind === "text") return ok(engine.answer(flow, state, q.id, c.words || "something happened"));
      const values = q.options.map((o) => o.value);
      const value = q.kind === "one" ? values[c.pick % values.length] : values.filter((_, i) => (c.pick >> i) & 1);
      return ok(engine.answer(flow, state, q.id, value));
    }
    case "junk":
      return step.kind === "question" ? ok(engine.answer(flow, state, step.question.id, c.value)) : state;
    case "wrong":
      return ok(engine.answer(flow, state, c.id, c.value));
    case "back":
      return engine.back(flow, state);
    case "decide":
      return ok(engine.decideInferred(flow, state, decision(step.kind === "confirm-inferred" ? step.items : [], ["keep-all", "keep", "change"].indexOf(c.decision), c.pick)));
    case "suggest":
      return engine.suggest(flow, state, preTriage(c.words, defs().signals).inferred as Record<string, engine.Suggestion>);
  }
}

describe("flow engine under random answers, Back and junk", () => {
  it("never throws, and every state passes FlowState and asks a real question or is done", () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 40 }), (cmds) => {
        let state = engine.emptyState();
        for (const c of cmds) {
          state = apply(state, c);
          expect(() => engine.FlowState.parse(state)).not.toThrow();
          const step = engine.nextStep(defs().flow, state);
          if (step.kind === "question") expect(defs().flow.questions).toContain(step.question);
        }
      }),
      runs(300),
    );
  });
});

// ---- the conversation, with cancel and the duplicate step ---------------------------------------------

const input: fc.Arbitrary<Input> = fc.oneof(
  fc.record({ kind: fc.constant("start" as const), text: fc.option(text, { nil: undefined }) }).map((i) => (i.text === undefined ? { kind: "start" as const } : (i as Input))),
  fc.record({ kind: fc.constant("answer" as const), questionId: fc.constantFrom(...defs().flow.questions.map((q) => q.id), "nope"), value: fc.oneof(fc.anything(), ...Object.values(CONTRACT).flatMap((c) => (c.values ? [fc.constantFrom(...c.values)] : []))) }),
  fc.record({ kind: fc.constant("text" as const), text }),
  fc.record({ kind: fc.constant("confirm-inferred" as const), decision: fc.constant("keep-all" as const) }),
  fc.record({ kind: fc.constant("confirm-inferred" as const), decision: fc.constantFrom("keep" as const, "change" as const), questionId: fc.constantFrom(...defs().flow.questions.map((q) => q.id), "nope") }),
  fc.record({ kind: fc.constant("back" as const) }),
  fc.record({ kind: fc.constant("cancel" as const) }),
  fc.record({ kind: fc.constant("join" as const), incidentId: fc.constantFrom("INC-2026-0001", "INC-2026-0002", "x") }),
  fc.record({ kind: fc.constant("file-new" as const) }),
);

describe("the conversation under random turns", () => {
  const apps: App[] = [];
  afterAll(async () => Promise.all(apps.map((a) => a.close())));

  it("never throws; what it stores passes Conversation; what it says is a known reply", async () => {
    const { app } = testApp();
    apps.push(app);
    const user = { platform: "slack" as const, userId: "U0FUZZ" };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(input, { maxLength: 25 }), async (turns) => {
        const key = `slack:T1:fuzz${n++}`;
        for (const t of turns) {
          const replies = await app.bot.handle({ key, user, input: t });
          for (const r of replies) expect(["question", "text-prompt", "confirm-inferred", "duplicate", "triage-result", "notice", "summary"]).toContain(r.kind);
          const conv = await app.conversations.get(key);
          if (conv) expect(() => Conversation.parse(conv)).not.toThrow();
        }
      }),
      runs(100),
    );
  });
});

// ---- classifier -------------------------------------------------------------------------------------

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const core: fc.Arbitrary<CoreAnswers> = fc
  .record({
    description: opt(fc.string({ minLength: 1, maxLength: 200 })),
    asset: opt(fc.constantFrom(...Asset.options)),
    intent: opt(fc.constantFrom(...Intent.options)),
    attackKind: opt(fc.constantFrom(...AttackKind.options)),
    failureKind: opt(fc.constantFrom(...FailureKind.options)),
    ciaLost: opt(fc.subarray([...Cia.options])),
    harm: opt(fc.subarray([...Harm.options])),
    ongoing: opt(fc.constantFrom(...Ongoing.options)),
    scope: opt(fc.constantFrom(...Scope.options)),
    exploitable: opt(fc.constantFrom(...Exploitable.options)),
  })
  .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as CoreAnswers);

describe("classifier over every combination of valid answers", () => {
  it("passes Classification, and intent decides the owner (security first while unknown)", () => {
    fc.assert(
      fc.property(core, (answers) => {
        const c = Classification.parse(classify(answers, defs().flow, defs().refs));
        if (answers.intent === "none") expect(c.primary).toBe("safety");
        if (answers.intent === "deliberate" || answers.intent === "suspected") expect(c).toMatchObject({ primary: "security", provisional: false });
        if (answers.intent === "unknown" || answers.intent === undefined) expect(c).toMatchObject({ primary: "security", provisional: true });
        for (const x of c.crossDomain) expect(x.startsWith(`${c.primary}->`)).toBe(true);
        expect(c.crossDomain.length).toBeLessThanOrEqual(1);
      }),
      runs(1000),
    );
  });
});

// ---- pre-triage ---------------------------------------------------------------------------------------

describe("pre-triage on arbitrary text", () => {
  it("never throws and only suggests contract values, with confidences in [0, 1] and quoted evidence", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 3000 })), (s) => {
        const { inferred } = preTriage(s, defs().signals);
        for (const [target, inf] of Object.entries(inferred)) {
          expect(SIGNAL_TARGETS).toContain(target);
          const allowed = CONTRACT[target as keyof typeof CONTRACT].values as readonly string[];
          for (const v of [inf.value].flat()) expect(allowed).toContain(v);
          expect(inf.confidence).toBeGreaterThanOrEqual(0);
          expect(inf.confidence).toBeLessThanOrEqual(1);
        }
      }),
      runs(300),
    );
  });
});

// ---- redaction --------------------------------------------------------------------------------------

const A = "[A-Za-z0-9]";
const secrets = fc.oneof(
  fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  fc.stringMatching(/^gh[pousr]_[A-Za-z0-9]{36,60}$/),
  fc.stringMatching(/^github_pat_[A-Za-z0-9_]{22,80}$/),
  fc.stringMatching(/^xox[abposr]-[0-9]{10,13}-[A-Za-z0-9-]{10,40}$/),
  fc.stringMatching(/^xapp-1-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{20,64}$/),
  fc.stringMatching(/^sk-ant-api03-[A-Za-z0-9_-]{20,95}$/),
  fc.stringMatching(new RegExp(`^sk-(proj-)?[A-Z][0-9]${A}{18,60}$`)),
  fc.stringMatching(/^sk_live_[A-Za-z0-9]{16,40}$/),
  fc.stringMatching(/^AIza[0-9A-Za-z_-]{35}$/),
  fc.stringMatching(/^ya29\.[0-9A-Za-z_-]{20,80}$/),
  fc.stringMatching(/^eyJ[A-Za-z0-9_-]{10,60}\.eyJ[A-Za-z0-9_-]{10,80}\.[A-Za-z0-9_-]{0,60}$/),
  fc.stringMatching(/^-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----\n[A-Za-z0-9+/=\n]{10,200}\n-----END (RSA |EC |OPENSSH )?PRIVATE KEY-----$/),
  fc.stringMatching(/^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{8,10}\/B[A-Z0-9]{8,10}\/[A-Za-z0-9]{24}$/),
);
/** Secrets that are only recognisable with their context: the secret is the part after it. */
const inContext = fc.oneof(
  fc.tuple(fc.constantFrom("password=", "DB_PASSWORD: ", "api_key=", "client_secret = ", "token="), fc.stringMatching(/^[A-Za-z0-9!#%&*@^]{6,40}$/)),
  fc.tuple(fc.constantFrom("postgres://admin:", "redis://default:", "https://bot:"), fc.stringMatching(/^[A-Za-z0-9!$%&*^]{4,30}$/)).map(([pre, pw]) => [pre, pw, "@db.internal:5432/x"] as const),
);
const words = fc.string({ unit: "grapheme-ascii", maxLength: 40 });
/** Passwords in URLs with '@', ':', '/' or '#' left unencoded, and with or without a user name. */
const urlWithPassword = fc.tuple(
  fc.constantFrom("postgres://app:", "redis://:", "rediss://:", "mysql://root:", "mongodb+srv://admin:", "amqp://guest:", "jdbc:postgresql://etl:"),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9!$%&*^@:/#]{3,29}$/),
  fc.constantFrom("@db.internal:5432/x", "@cache.internal", "@cluster0.ab1cd.mongodb.net/test?retryWrites=true"),
);

describe("redaction", () => {
  it("never throws, is idempotent, and grows the text by at most one marker per secret", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 2000 })), (s) => {
        const once = redact(s);
        expect(redact(once.text)).toEqual({ text: once.text, hits: [] });
        expect(once.text.length).toBeLessThanOrEqual(s.length + once.hits.length * MAX_MARKER_LENGTH);
      }),
      runs(500),
    );
  });

  it("never leaves a generated secret in the text, wherever it is pasted", () => {
    fc.assert(
      fc.property(words, secrets, words, (before, secret, after) => {
        const out = redact(`${before} ${secret} ${after}`);
        expect(out.text).not.toContain(secret);
        expect(out.hits.length).toBeGreaterThan(0);
        expect(redact(out.text).hits).toEqual([]);
      }),
      runs(1000),
    );
  });

  it("takes the whole password out of a URL, up to the '@' before the host, whatever it holds", () => {
    fc.assert(
      fc.property(words, urlWithPassword, (before, [pre, secret, host]) => {
        const out = redact(`${before} ${pre}${secret}${host}`);
        expect(out.text).toContain(`${pre}[REDACTED:url-password]${host}`);
      }),
      runs(500),
    );
  });

  it("removes passwords from assignments and URLs, keeping the names around them", () => {
    fc.assert(
      fc.property(words, inContext, (before, parts) => {
        const [pre, secret, post = ""] = parts;
        const out = redact(`${before} ${pre}${secret}${post}`);
        expect(out.text).not.toContain(`${pre}${secret}`);
        expect(out.text).toContain(pre.trim().slice(0, 4));
      }),
      runs(500),
    );
  });
});

// ---- payload parsers ------------------------------------------------------------------------------------

const jsonish = fc.oneof(fc.jsonValue(), fc.anything(), fc.string());

/** A complete, valid recording: the flow walked with random choices (so replay succeeds). */
const recorded = fc.tuple(fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), text).map(([picks, words]) => {
  let state = engine.emptyState();
  for (const pick of picks) state = apply(state, { t: "valid", pick, words });
  return { answers: state.answers };
});

describe("payload parsers refuse junk without throwing", () => {
  it("Slack button values and modal metadata: undefined, or a value that passes the schema", () => {
    const raw = fc.oneof(fc.string({ maxLength: 3000 }), jsonish.map((v) => JSON.stringify(v) ?? ""));
    fc.assert(
      fc.property(raw, (s) => {
        for (const schema of [StepValue, TextModalMeta, TicketModalMeta] as const) {
          const v = decode(schema as typeof StepValue, s);
          if (v !== undefined) expect(() => schema.parse(v)).not.toThrow();
        }
      }),
      runs(500),
    );
    expect(decode(StepValue, JSON.stringify({ c: "slack:T1:U1:0473e5e4-deef-4fdd-b244-0eb02f925984", r: 3, q: "asset", v: "model" }))).toBeDefined();
    expect(decode(StepValue, JSON.stringify({ c: "x", r: 3, v: "<script>" }))).toBeUndefined();
  });

  it("Teams submits: undefined, or data and inputs that pass their schemas", () => {
    const value = fc.oneof(
      jsonish,
      fc.record({ action: fc.constantFrom("answer", "confirm", "back", "cancel", "join", "file-new", "start", "ticket", "x"), conversationId: fc.string(), rev: fc.oneof(fc.nat(), fc.string()), questionId: fc.string(), value: fc.string(), text: fc.string() }, { requiredKeys: ["action"] }),
    );
    fc.assert(
      fc.property(value, (v) => {
        const r = parseSubmit(v);
        if (r) expect(() => SubmitData.parse(r.data)).not.toThrow();
      }),
      runs(500),
    );
  });

  it("replay input: an error or answers, classification and routing that pass their schemas", () => {
    let filed = 0;
    const answers = fc.dictionary(fc.constantFrom(...defs().flow.questions.map((q) => q.id), "extra"), fc.oneof(fc.anything(), fc.constantFrom("none", "deliberate", "model", "yes", "one-user"), fc.constant([])));
    fc.assert(
      fc.property(fc.oneof(jsonish, answers.map((a) => ({ answers: a })), recorded), (raw) => {
        const r = replay(raw, defs());
        if (!r.ok) {
          expect(typeof r.error).toBe("string");
          return;
        }
        expect(() => Answers.parse(r.answers)).not.toThrow();
        expect(() => Classification.parse(r.classification)).not.toThrow();
        expect(() => RoutingDecision.parse(r.routing)).not.toThrow();
        filed++;
      }),
      runs(500),
    );
    expect(filed).toBeGreaterThan(50);
  });
});
