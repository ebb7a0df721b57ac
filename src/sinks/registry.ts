/** Every sink convene knows, by type. */
import type { SinkDef } from '../core/component.js';
import { duckdbSink } from './duckdb/duckdb.sink.js';

export const SINKS: readonly SinkDef<never>[] = [duckdbSink as SinkDef<never>];
