// A TypeScript consumer of the package, compiled by types.test.mjs with
// `tsc --strict --noEmit`. It imports 'leadseg' by name, as an app would.
import {
  createEngine,
  compileConfig,
  segmentLeads,
  parseCsv,
  CsvParser,
  CsvRows,
  typeValue,
  estimate as estimateLazily,
  MemoryStorage,
  EVENTS,
  type Engine,
  type Decision,
  type ReportPayload,
  type StorageAdapter,
  type LeadResult,
  type LeadColumns,
  type LeadRow,
  type LeadSummary,
  type SegmentLeadsOptions,
  type Changes,
  type ExportedProfile,
  type PredictiveScore,
  type ExperimentReport,
} from 'leadseg';
import { estimate, type Estimates } from 'leadseg/estimator';

export async function app(config: object, form: HTMLFormElement): Promise<void> {
  const storage: StorageAdapter = new MemoryStorage();
  const engine: Engine = await createEngine({
    config: JSON.stringify(config),
    consent: { storage: true, personalization: true },
    storage,
    now: () => Date.now(),
    dataLayer: true,
    autoPageViews: true,
    onExposure: ({ experiment, variant }) => console.log(experiment, variant),
    on: { 'storage:corrupted': ({ reason, error }) => console.warn(reason, error.message) },
  });
  engine.on('segment:enter', ({ segment, name, at }) => console.log(segment, name, at.toFixed()));
  engine.on('stage', ({ from, to }) => console.log(from ?? 'start', to));
  engine.on('storage:error', ({ operation, recovered }) => console.log(operation, recovered));
  const changes: Changes = engine.track('page_view', { path: '/pricing', tags: ['a', 1, null] });
  changes.entered.forEach((id: string) => console.log(id));
  engine.identify({ job_title: 'CTO', company_size: 20, newsletter: true });
  engine.declare('interests', ['security']);
  const decision: Decision = engine.decide('hero');
  const preview: Decision = engine.peek('hero');
  void preview;
  if (decision.reason.kind === 'rule' && decision.reason.path !== null) console.log(decision.reason.path);
  const grade: string | null = engine.score().grade;
  console.log(grade, engine.segments().length, engine.explain('x').member);
  const model: PredictiveScore | null = engine.score().predictive;
  if (model) console.log(model.probability.toFixed(2), model.points, model.contributions.map((c) => `${c.attribute}:${c.kind}`));
  const conversion = engine.convert('signup');
  console.log(conversion.attributed.map((a) => a.variant));
  const experiments: ExperimentReport[] = engine.experiments();
  for (const x of experiments) {
    const [low, high]: [number, number] = x.variants[0].interval;
    console.log(x.experiment, x.mode === 'bandit', x.assigned ?? 'none', low, high,
      x.variants.map((v) => `${v.id}: ${v.conversions}/${v.exposures} ${(v.probabilityBest * 100).toFixed(0)}%`),
      Object.values(x.segments).map((byVariant) => byVariant[x.variants[0].id]?.exposures));
  }
  const unbind = engine.forms.bind(form, { slot: 'lead_form', goal: 'signup' });
  unbind();
  for (const r of engine.render(document)) console.log(r.slot, r.variant, r.deferred ?? 'applied');
  const result = await engine.report({ epsilon: 1, segments: ['a'], scoreBands: false, send: async (p) => fetch('/r', { method: 'POST', body: JSON.stringify(p) }) });
  if (result && 'sent' in result) console.log(result.reason, result.budget.today.left);
  const payload: ReportPayload | null = result && !('sent' in result) ? result : null;
  console.log(engine.reportBudget().last30Days.left, engine.previewReport()?.payload?.segment?.bit);
  if (payload) {
    const estimates: Estimates = estimate([payload]);
    console.log(estimates.segments['a']?.share);
    // The main entry's estimate loads the estimator on first use: a promise.
    const later: Estimates = await estimateLazily([payload]);
    console.log(later.scoreBands);
  }
  const profile: ExportedProfile = engine.export();
  console.log(profile.events[0]?.props, EVENTS.includes('mql'));
  await engine.setConsent({ storage: false });
  await engine.flush();
  await engine.erase();
  engine.destroy();

  const { leads, summary } = await segmentLeads(config as Record<string, never>, new Blob(['a,b\n1,2\n']), {
    keepLeads: false,
    onProgress: ({ processed, total }) => console.log(processed, total ?? '?'),
    onLead: (lead: LeadResult) => console.log(lead.segments, lead.score),
  });
  console.log(leads.length, summary.grades['A'], summary.count);
  const asColumns = await segmentLeads(config as Record<string, never>, 'a,b\n1,2\n', { results: 'columns' });
  const columns: LeadColumns = asColumns.columns;
  const bits: Uint32Array = columns.segments;
  const scores: Float64Array = columns.score;
  console.log(bits[0], scores[0], columns.has(0, 'x'), columns.segmentsOf(0).join(), columns.outputs(0).grade, columns.errors.get(0) ?? '');
  const mapped = await segmentLeads(config as Record<string, never>, 'Employees\n12\n', { columnMap: { Employees: 'company_size' } });
  const { read: readColumns, ignored, missing, suggestions, hints } = mapped.summary.columns;
  console.log(readColumns.join(), ignored.length, missing.length, suggestions['x'] ?? '', hints['visits'] ?? '', mapped.summary.columns.mapped['Employees']);
  for await (const row of parseCsv('a\n1\n')) console.log(row['a']);
  // The low-level parsers load the CSV code on first use: push()/end() are promises.
  const splitter = new CsvParser();
  const records: string[][] = [...await splitter.push('a,b\n1,'), ...await splitter.end()];
  const typed = new CsvRows({ types: true });
  console.log(records.length, (await typed.push('a\n1\n')).length, typed.header?.join(), typed.rowNumbers[0], typeValue('1'));

  // Leads with their history: inline events and declarations, or an activity table.
  const rows: LeadRow[] = [
    { email: 'ada@example.com', job_title: 'CTO', events: [
      { type: 'webinar_attended', at: '2026-01-10T15:00:00Z' },
      { type: 'page_view', at: 1768471200000, props: { path: '/pricing' } },
      { type: 'page_view', at: new Date(), props: null },
    ], declarations: { interests: ['security'] } },
    { email: 'bob@shop.example', company_size: 5 },
  ];
  const parsed: Array<Record<string, import('leadseg').Json>> = [];
  for await (const row of parseCsv('email\na@x\n')) parsed.push(row);
  const options: SegmentLeadsOptions = {
    events: new Blob(['email,activity,timestamp\n']),
    idColumn: 'email',
    eventColumns: { type: 'activity', at: 'timestamp' },
    metrics: true,
    now: () => Date.now(),
    onProgress: ({ processed, eventsRead }) => console.log(processed, eventsRead ?? 0),
  };
  const withEvents: { summary: LeadSummary; leads: LeadResult[] } = await segmentLeads(config as Record<string, never>, rows, options);
  await segmentLeads(config as Record<string, never>, parsed, { events: [{ email: 'a@x', type: 'page_view', at: new Date(), path: '/x' }] });
  const { replayed, afterNow, unknownLead, unknownLeadIds, leadsWithoutId, read } = withEvents.summary.events;
  console.log(replayed + afterNow + unknownLead + leadsWithoutId + read, unknownLeadIds.join(','));
  const metrics = withEvents.leads[0]?.metrics;
  if (metrics) console.log(metrics['pricing_views_2d']);
  // @ts-expect-error: an event needs a type
  const bad: LeadRow = { events: [{ at: 1 }] };
  // @ts-expect-error: eventColumns has lead, type and at only
  const badColumns: SegmentLeadsOptions = { eventColumns: { typ: 'x' } };
  console.log(bad, badColumns);
}

// @ts-expect-error: config is required
void createEngine({});

// Compiled configs: compileConfig() gives the bytes createEngine() takes.
export async function compiled(config: object): Promise<void> {
  const bytes: Uint8Array = await compileConfig(JSON.stringify(config));
  const engine: Engine = await createEngine({ config: bytes, wasmUrl: '/leadseg-runtime.wasm' });
  await createEngine({ config: bytes.buffer as ArrayBuffer });
  engine.destroy();
}

// @ts-expect-error: a number is neither a config nor compiled bytes
void createEngine({ config: 42 });
