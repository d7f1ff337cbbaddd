import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { exportsSpans, samplerFromEnv } from './sampler-from-env';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = (sampled: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
const decide = (env: NodeJS.ProcessEnv, exporting: boolean, context = ROOT_CONTEXT): SamplingDecision =>
  samplerFromEnv(env, exporting).shouldSample(context, TRACE_ID, 'span', SpanKind.SERVER, {}, []).decision;

describe('samplerFromEnv', () => {
  it('records new traces by default when spans are exported, and not when they are not', () => {
    expect(decide({}, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({}, false)).toBe(SamplingDecision.NOT_RECORD);
  });

  it.each([true, false])(
    "honours the parent's decision by default (exporting: %s): the sampled flag carried over Kafka",
    (exporting) => {
      expect(decide({}, exporting, parent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide({}, exporting, parent(false))).toBe(SamplingDecision.NOT_RECORD);
    },
  );

  it('takes OTEL_TRACES_SAMPLER and its ratio', () => {
    expect(decide({ OTEL_TRACES_SAMPLER: 'always_off' }, true)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'always_on' }, false, parent(false))).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    const ratio = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
    expect(decide(ratio, true)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(ratio, true, parent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({ ...ratio, OTEL_TRACES_SAMPLER_ARG: '1' }, true)).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('refuses a sampler it does not know rather than guessing', () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, true)).toThrow(/not supported/);
  });
});

describe('exportsSpans', () => {
  it('exports only to a configured endpoint, unless switched off', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(exportsSpans({})).toBe(false);
    expect(exportsSpans(endpoint)).toBe(true);
    expect(exportsSpans({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(
      true,
    );
    expect(exportsSpans({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(exportsSpans({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });
});
