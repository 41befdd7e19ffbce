// The learning-curve benchmark (issue 15): a public set from ../shared/data replayed as a desk's
// traffic, in order, week by week, through the real cascade (rule → local → cheap → strong, the
// classifier's own tiers and cascade options, the paid tiers over HTTP to a fake provider) and the
// real retrain job (training store and model registry in Redis), starting from the shipped default
// model. The fake cheap model is right about 88% of the time and the fake strong one about 95%, with
// confidences that overlap between right and wrong answers. Every ticket left to a person is
// resolved with its true label; 10% of delivered tickets get feedback with the true label. The live
// guard runs as in the classifier (people's feedback and a 2% spot-check sample of what the local
// tier decides; a trip switches the local tier off), and so does probation. After each week the
// retrain job runs.
//
//   pnpm --filter @switchboard/bench learning-curve --set banking77 --weeks 10 --per-week 1000
//   pnpm --filter @switchboard/bench learning-curve --set tobi --weeks 8 --per-week 400
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTiers, cascadeOptions, ClassifierConfig, REPO_PATHS, spotCheckLabel } from '@switchboard/classifier';
import {
  DEFAULT_ROUTING_TABLE,
  guardVerdict,
  inSample,
  runCascade,
  type Category,
  type DecisionRecord,
  type Priority,
} from '@switchboard/core';
import { loadPrompt } from '@switchboard/llm';
import { loadLocalModel, parseLocalModel, readLabelledTickets, type LabelledTicket } from '@switchboard/local-model';
import { openFleetContext, type Judge } from '@switchboard/queues';
import { DEFAULT_MARGIN_POINTS, runRetrain, type RetrainOutcome } from '@switchboard/retrain';
import {
  dropPrefix,
  decisionJson,
  startFakeOpenAI,
  testLogger,
  TEST_REDIS_URL,
  uniquePrefix,
} from '@switchboard/testkit';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: args } = parseArgs({
  options: {
    set: { type: 'string', default: 'banking77' },
    data: { type: 'string', default: resolve(here, '../../../../shared/data') },
    weeks: { type: 'string' },
    'per-week': { type: 'string' },
    'feedback-share': { type: 'string', default: '0.1' },
    target: { type: 'string', default: '0.95' },
    'judge-share': { type: 'string', default: '0.5' },
    // RETRAIN_HOLDOUT_MIN: judging labels needed before a challenger is judged.
    'holdout-min': { type: 'string', default: '100' },
    // RETRAIN_MARGIN_POINTS: routed accuracy a challenger may lose, at 95% confidence, and be promoted.
    margin: { type: 'string' },
    // LOCAL_PRIORITY_THRESHOLD: a desk whose priority labels are noisy (Tobi) may set it lower.
    'priority-threshold': { type: 'string' },
    // The public sets' files are grouped by intent, so "in order" brings new intents every week;
    // --shuffle replays a seeded mix instead, as a desk's own traffic arrives.
    shuffle: { type: 'string' },
  },
});
const set = args.set;
const weeks = Number(args.weeks ?? (set === 'tobi' ? 8 : 10));
const perWeek = Number(args['per-week'] ?? (set === 'tobi' ? 400 : 1000));
const feedbackShare = Number(args['feedback-share']);
const CHEAP = 'fake-cheap';
const STRONG = 'fake-strong';
const DAY = 86_400_000;

function shuffled<T>(items: readonly T[], seed: number): T[] {
  // Sort by a hash of (seed, position): a fixed permutation for a given seed.
  return items
    .map((item, i) => ({ item, key: draw(`shuffle|${seed}|${i}`) }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

/** A number in [0, 1) fixed by the ticket and the model, so a re-run answers the same way. */
const draw = (key: string): number => createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
const textKey = (subject: string | undefined, body: string | undefined): string =>
  `${subject ?? ''}\n${body ?? ''}`.slice(0, 300);

const all = await readLabelledTickets(resolve(args.data, set, 'train.jsonl'));
const rows = args.shuffle === undefined ? all : shuffled(all, Number(args.shuffle));
const traffic = rows.slice(0, weeks * perWeek);
if (traffic.length < weeks * perWeek) throw new Error(`${set} has ${rows.length} rows; ${weeks}×${perWeek} asked`);
const truth = new Map<string, { category: Category; priority: Priority }>();
for (const r of traffic)
  truth.set(textKey(r.subject, r.body), { category: r.category, priority: r.priority ?? 'medium' });

// A model that is right with probability `p`; right answers are surer on average, with overlap.
const provider = await startFakeOpenAI((req) => {
  const strong = req.model === STRONG;
  const key = textKey(req.ticket?.subject, req.ticket?.body);
  const known = truth.get(key);
  const label = known?.category ?? 'other';
  const u = draw(`${req.model}|${key}`);
  const right = u < (strong ? 0.95 : 0.88);
  const others = (['billing', 'technical', 'sales', 'bug', 'cancellation', 'other'] as const).filter(
    (c) => c !== label,
  );
  const category = right ? label : others[Math.floor(draw(`wrong|${req.model}|${key}`) * others.length)]!;
  const v = draw(`conf|${req.model}|${key}`);
  const confidence = right ? 0.6 + 0.39 * Math.sqrt(v) : 0.45 + 0.45 * v;
  // The set's own priority when it has one (Tobi), else medium, as a model reading BANKING77 would say.
  const priority = right ? (known?.priority ?? 'medium') : 'medium';
  return {
    content: decisionJson({ category, priority, team: DEFAULT_ROUTING_TABLE[category], confidence }),
    usage: { prompt_tokens: 600, completion_tokens: 40 },
  };
});

const prefix = uniquePrefix(`curve-${set}`);
const logger = testLogger('curve');
const fleet = await openFleetContext({ redisUrl: TEST_REDIS_URL, prefix, role: 'producer', logger, retentionDays: 30 });
const seed: LabelledTicket[] = await readLabelledTickets(REPO_PATHS.trainingSet);
const shipped = await loadLocalModel(REPO_PATHS.localModel);
await fleet.models.add(shipped.meta.modelVersion, await readFile(REPO_PATHS.localModel, 'utf8'), {
  trainedAt: shipped.meta.trainedAt,
  source: 'file',
});
await fleet.models.promote(shipped.meta.modelVersion, 'file', 'the shipped default model');

const prompt = await loadPrompt(REPO_PATHS.prompt);
const tier = (model: string, threshold: number) => ({
  baseURL: provider.url,
  apiKey: 'k',
  model,
  threshold,
  timeoutMs: 10_000,
});
const config = ClassifierConfig.parse({
  promptPath: REPO_PATHS.prompt,
  local: {
    modelPath: REPO_PATHS.localModel,
    ...(args['priority-threshold'] === undefined ? {} : { priorityThreshold: Number(args['priority-threshold']) }),
  },
  cheap: tier(CHEAP, 0.75),
  strong: tier(STRONG, 0.6),
  prices: { [CHEAP]: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, [STRONG]: { inputPerMTok: 15, outputPerMTok: 75 } },
  circuitBreaker: { failures: 1_000_000 },
});
if (!config.local) throw new Error('the learning curve needs the local tier');
const localThreshold = config.local.threshold;

/** The live guard as the classifier runs it (tier-guard.ts): judged, and switched off on a trip. */
async function judgeLocal(model: string, category: Category, agreed: boolean, judge: Judge, at: Date): Promise<void> {
  const rule = config.guard.local;
  const window = await fleet.guard.judge(
    { tier: 'local', judge, category, agreed, at },
    rule.window,
    rule.peopleWindow,
  );
  const verdict = guardVerdict(window.agreed, window.judged, rule, window.people);
  if (verdict.kind === 'trip')
    await fleet.guard.switchLocalOff({
      off: true,
      by: 'guard',
      since: at.toISOString(),
      reason: `live guard: ${verdict.why}`,
      model,
    });
}

interface WeekFigures {
  week: number;
  model: string;
  localShare: number;
  localAccuracy: number | null;
  routedAccuracy: number;
  routedAccuracyLocalOff: number;
  paidCallsPer1k: number;
  costPer1k: number;
  peoplePer1k: number;
  /** Share of the week's tickets that met the local tier switched off by the live guard. */
  guardOffShare: number;
  retrain: RetrainOutcome | null;
}

const paidCalls = (r: DecisionRecord): number =>
  r.attempts.filter((a) => a.tier === 'cheap' || a.tier === 'strong').length;
const start = Date.now() - (weeks + 1) * 7 * DAY;
const out: WeekFigures[] = [];
const pool = async <T>(items: readonly T[], n: number, f: (t: T, i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await f(items[i] as T, i);
      }
    }),
  );
};

for (let w = 0; w < weeks; w++) {
  const current = await fleet.models.current();
  if (!current) throw new Error('the registry lost its champion');
  const model = parseLocalModel(current.json, current.version);
  // As the classifiers run it: a model not yet vetted on this desk's labels is on probation.
  const vetted = await fleet.models.isVetted(current.version);
  const tiers = buildTiers(
    config,
    prompt,
    () => model,
    () => vetted,
  );
  const offTiers = tiers.filter((t) => t.name !== 'local');
  const base = cascadeOptions(config, tiers);
  const week = traffic.slice(w * perWeek, (w + 1) * perWeek);
  const f = {
    local: 0,
    localRight: 0,
    routed: 0,
    routedRight: 0,
    offRouted: 0,
    offRight: 0,
    paid: 0,
    cost: 0,
    people: 0,
    guardOff: 0,
  };
  await pool(week, 16, async (t, i) => {
    const id = `${set}-${w}-${i}`;
    const at = new Date(start + w * 7 * DAY + (i * 7 * DAY) / perWeek).toISOString();
    const input = { ticketId: id, subject: t.subject, body: t.body };
    // The live guard's switch, as every classifier follows it: off, the local tier is skipped.
    const guardOff = (await fleet.guard.localSwitch()).state !== null;
    if (guardOff) f.guardOff++;
    const off = await runCascade(input, { ...base, tiers: offTiers });
    const on = guardOff ? off : await runCascade(input, { ...base, tiers });
    if (on.kind !== 'record' || off.kind !== 'record') throw new Error('the fake provider rate-limited');
    const r = on.record;
    f.paid += paidCalls(r);
    f.cost += r.totals.costUsd;
    if (off.record.outcome === 'decided') {
      f.offRouted++;
      if (off.record.decision?.category === t.category) f.offRight++;
    }
    const text = {
      ticketId: id,
      subject: t.subject,
      body: t.body,
      category: t.category,
      priority: t.priority,
      at,
      decidedBy: { tier: r.tier, model: r.model },
      ...(r.outcome === 'critical' ? { critical: true } : {}),
    };
    if (r.outcome !== 'decided' || !r.decision) {
      // A person resolves it with the true label.
      f.people++;
      await fleet.training.record({ ...text, source: 'human' });
      return;
    }
    f.routed++;
    const right = r.decision.category === t.category;
    if (right) f.routedRight++;
    if (r.tier === 'local') {
      f.local++;
      if (right) f.localRight++;
      // The live guard's judgments: a person's feedback, and the spot-check sample asked of the tiers
      // that decide without it (here the off run's answer: the same fake model, same ticket).
      const judgedAt = new Date(at);
      if (draw(`feedback|${id}`) < feedbackShare)
        await judgeLocal(current.version, r.decision.category, right, 'human', judgedAt);
      const judge = off.record.tier;
      if (
        inSample(id, config.guard.localSpotCheckRate) &&
        off.record.outcome === 'decided' &&
        off.record.decision &&
        (judge === 'cheap' || judge === 'strong')
      ) {
        const agreed = off.record.decision.category === r.decision.category;
        await fleet.training.record({
          ...text,
          category: off.record.decision.category,
          priority: off.record.decision.priority,
          source: spotCheckLabel('local', judge, agreed),
        });
        await judgeLocal(current.version, r.decision.category, agreed, judge, judgedAt);
      }
    }
    // As the lifecycle keeps them: the machine's category and priority.
    const machine = { ...text, category: r.decision.category, priority: r.decision.priority };
    if (r.tier === 'strong') await fleet.training.record({ ...machine, source: 'strong' });
    if (r.tier === 'cheap') await fleet.training.record({ ...machine, source: 'cheap' });
    if (draw(`feedback|${id}`) < feedbackShare) await fleet.training.record({ ...text, source: 'feedback' });
  });
  const t0 = performance.now();
  const retrain = await runRetrain(
    {
      labels: { rows: () => fleet.training.rows() },
      models: fleet.models,
      localSwitch: fleet.guard,
      seed,
      now: () => new Date(start + (w + 1) * 7 * DAY),
    },
    {
      threshold: localThreshold,
      priorityThreshold: config.local.priorityThreshold,
      target: Number(args.target),
      ...(args.margin === undefined ? {} : { marginPoints: Number(args.margin) }),
      holdBack: { min: Number(args['holdout-min']), max: 1000, share: Number(args['judge-share']) },
      minOwnRows: 50,
      seed: 7,
    },
  );
  const figures: WeekFigures = {
    week: w + 1,
    model: current.version,
    localShare: f.local / week.length,
    localAccuracy: f.local ? f.localRight / f.local : null,
    routedAccuracy: f.routed ? f.routedRight / f.routed : 0,
    routedAccuracyLocalOff: f.offRouted ? f.offRight / f.offRouted : 0,
    paidCallsPer1k: (f.paid / week.length) * 1000,
    costPer1k: (f.cost / week.length) * 1000,
    peoplePer1k: (f.people / week.length) * 1000,
    guardOffShare: f.guardOff / week.length,
    retrain,
  };
  out.push(figures);
  const pct = (x: number | null): string => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
  console.log(
    `week ${String(w + 1).padStart(2)} | local ${pct(figures.localShare)} at ${pct(figures.localAccuracy)} | routed ${pct(figures.routedAccuracy)} (local off ${pct(figures.routedAccuracyLocalOff)}) | paid calls/1k ${figures.paidCallsPer1k.toFixed(0).padStart(4)} | $/1k ${figures.costPer1k.toFixed(3)} | people/1k ${figures.peoplePer1k.toFixed(0).padStart(4)} | guard off ${pct(figures.guardOffShare)} | model ${current.version}${vetted ? '' : ' (probation)'} | retrain ${((performance.now() - t0) / 1000).toFixed(1)} s: ${retrain.message}`,
  );
}

const usage = await fleet.training.usage();
const first = out[0]!;
const last = out.at(-1)!;
console.log(
  `\n${set}: ${weeks} weeks of ${perWeek} tickets; local tier threshold ${localThreshold}, priority ${config.local.priorityThreshold}, target ${args.target}, margin ${args.margin ?? DEFAULT_MARGIN_POINTS} points`,
);
console.log(
  `training store: ${usage.rows} rows, ${(usage.bytes / 1024 / 1024).toFixed(2)} MB, ${(usage.bytes / Math.max(1, usage.rows)).toFixed(0)} bytes per ticket (${(((usage.bytes / Math.max(1, usage.rows)) * 10_000) / 1024 / 1024).toFixed(1)} MB per 10k)`,
);
const fileBytes = out
  .map((o) => (o.retrain && 'fileBytes' in o.retrain ? o.retrain.fileBytes : 0))
  .filter((b) => b > 0);
const trainSeconds = out
  .map((o) => (o.retrain && 'trainSeconds' in o.retrain ? o.retrain.trainSeconds : 0))
  .filter((s) => s > 0);
console.log(
  `model file: up to ${(Math.max(0, ...fileBytes) / 1024 / 1024).toFixed(2)} MB; training per retrain: up to ${Math.max(0, ...trainSeconds).toFixed(1)} s`,
);
console.log(
  `last week: local takes ${(last.localShare * 100).toFixed(1)}% at ${last.localAccuracy === null ? '—' : (last.localAccuracy * 100).toFixed(1)}%; routed ${(last.routedAccuracy * 100).toFixed(1)}% vs ${(last.routedAccuracyLocalOff * 100).toFixed(1)}% with local off; paid calls per 1k fell ${(first.paidCallsPer1k / Math.max(1, last.paidCallsPer1k)).toFixed(1)}× from week 1`,
);
await fleet.close();
await provider.close();
await dropPrefix(prefix);
