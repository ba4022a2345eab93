// The emulator the tests use (moto behind the stand-in, seeded with the sample world) and the
// one dynalite helper, bundled for the benchmarks: one copy of each, shared with test/.

export { RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
export { CreateTableCommand } from '@aws-sdk/client-dynamodb';
export { createTableInput } from '../../shared/state/table-layout.js';
export { startDynalite } from '../../test/support/dynalite.js';
export { motoUnavailableReason, startMoto } from '../../test/support/emulator/moto-server.js';
export { StandIn } from '../../test/support/emulator/stand-in.js';
export { motoClients, seedWorld } from '../../test/support/emulator/world.js';
