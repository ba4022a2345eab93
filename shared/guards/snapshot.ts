/**
 * The state the guards decide over (DESIGN.md, "guards as pure decisions over one snapshot"):
 * read once per signal in one round of parallel reads while the endpoint is locked
 * (shared/session.ts), then kept up to date with what this invocation itself decides to write,
 * so the second rule of a signal sees the first one's cooldown, changes and opened circuit
 * exactly as it would have read them from the table.
 */
import type { CircuitState, EndpointSnapshot, Silence } from '../state/store.js';

export interface GuardSnapshot {
  /** Silences that had not ended when it was read. */
  silences: Silence[];
  /** The signal's endpoint partition (`*` without an endpoint): every rule's cooldown, the circuit, the status. */
  endpoint: EndpointSnapshot;
  /** Changes to the locked endpoint in the hour before the read; 0 when no lock is held. */
  remediations: number;
}

/** What a rule's outcome writes for the guards of whoever comes next: its cooldown, one record per change. */
export type GuardWrite =
  | { kind: 'cooldown'; rule: string; endpoint: string; until: number; by: string }
  | { kind: 'remediation'; endpoint: string; id: string; at: number; ttlMs: number };

/** The item a guard write puts: two writes of one key are one write. */
export function guardWriteKey(write: GuardWrite): string {
  return write.kind === 'cooldown' ? `cooldown\u0000${write.rule}\u0000${write.endpoint}` : `remediation\u0000${write.id}`;
}

/** The snapshot as the write leaves it (the write itself may land later: this invocation holds the lock). */
export function noteGuardWrite(snapshot: GuardSnapshot, write: GuardWrite, lockedEndpoint: string | undefined): void {
  if (write.kind === 'remediation') {
    if (write.endpoint === lockedEndpoint) snapshot.remediations++;
    return;
  }
  const others = snapshot.endpoint.cooldowns.filter((c) => c.rule !== write.rule);
  snapshot.endpoint.cooldowns = [...others, { rule: write.rule, until: write.until, by: write.by }];
}

export function noteCircuit(snapshot: GuardSnapshot, circuit: CircuitState): void {
  snapshot.endpoint.circuit = circuit;
}
