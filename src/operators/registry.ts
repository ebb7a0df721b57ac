/** Every operator convene can run, listed explicitly (no registration by import side effects). */
import type { OperatorFunction } from 'rxjs';
import type { ComponentContext, OperatorDef } from '../core/component.js';
import type { Envelope } from '../core/envelope.js';
import { ConveneError } from '../core/errors.js';
import { meetingIntelligenceOperator } from './meeting-intelligence.operator.js';

/** A definition with its config type erased: `create` validates raw config with the definition's own schema. */
export interface RegisteredOperator {
  readonly type: string;
  readonly summary: string;
  readonly definition: OperatorDef<never, unknown, unknown>;
  create(rawConfig: unknown, ctx: ComponentContext): OperatorFunction<Envelope, Envelope>;
}

function register<C, X extends ComponentContext>(def: OperatorDef<C, unknown, unknown> & { create(config: C, ctx: X): OperatorFunction<Envelope, Envelope> }): RegisteredOperator {
  return {
    type: def.type,
    summary: def.summary,
    definition: def as unknown as OperatorDef<never, unknown, unknown>,
    create(rawConfig, ctx) {
      const parsed = def.config.safeParse(rawConfig);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${[def.type, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
        throw new ConveneError('CONFIG_INVALID', issues, { subject: def.type, cause: parsed.error });
      }
      return def.create(parsed.data, ctx as X);
    },
  };
}

export const OPERATORS: readonly RegisteredOperator[] = [register(meetingIntelligenceOperator)];

export function findOperator(type: string): RegisteredOperator | undefined {
  return OPERATORS.find((o) => o.type === type);
}
