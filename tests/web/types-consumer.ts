// A TypeScript consumer of the package, compiled by types.test.mjs with
// `tsc --strict --noEmit`. It imports 'leadseg' by name, as an app would.
import {
  createEngine,
  segmentLeads,
  parseCsv,
  MemoryStorage,
  EVENTS,
  type Engine,
  type Decision,
  type ReportPayload,
  type StorageAdapter,
  type LeadResult,
  type Changes,
  type ExportedProfile,
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
  if (decision.reason.kind === 'rule' && decision.reason.path !== null) console.log(decision.reason.path);
  const grade: string | null = engine.score().grade;
  console.log(grade, engine.segments().length, engine.explain('x').member);
  const conversion = engine.convert('signup');
  console.log(conversion.attributed.map((a) => a.variant));
  const unbind = engine.forms.bind(form, { slot: 'lead_form', goal: 'signup' });
  unbind();
  engine.render(document);
  const payload: ReportPayload | null = await engine.report({ epsilon: 1, segments: ['a'], send: async (p) => fetch('/r', { method: 'POST', body: JSON.stringify(p) }) });
  if (payload) {
    const estimates: Estimates = estimate([payload]);
    console.log(estimates.segments['a']?.share);
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
  for await (const row of parseCsv('a\n1\n')) console.log(row['a']);
}

// @ts-expect-error: config is required
void createEngine({});
