// Child-process entry: the fake provider on its own event loop, as a real provider is on its own
// machine, so its HTTP serving is not billed to the fleet it answers. Options arrive as argv JSON;
// the parent asks for the call counts over IPC.
import { startFakeModels, type FakeModelsOptions } from './fake-models.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as FakeModelsOptions;
const fake = await startFakeModels(opts);
process.on('message', (msg: unknown) => {
  if (msg === 'counts') {
    const { perSecondOk, ...rest } = fake.counts;
    const cpu = process.cpuUsage();
    process.send?.({ counts: { ...rest, perSecondOk: [...perSecondOk.entries()], cpuMicros: cpu.user + cpu.system } });
  } else if (msg === 'close') {
    void fake.close().then(() => process.exit(0));
  }
});
process.send?.({ url: fake.provider.url });
