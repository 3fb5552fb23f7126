/**
 * Aggregation pipelines on mingo, with this store's own $match (the compiled matcher, so
 * $match agrees with find) and $sort (MongoDB type ordering, arrays by min/max element).
 *
 * Stored documents are shared, never copied up front: stages that build new documents
 * ($match $sort $skip $limit $group $count $project $facet $replaceRoot ...) read them as is;
 * before the first stage that might write into its input ($set, $addFields, $unwind, ...) the
 * stream is deep-copied. Results are always deep-copied.
 */
import type { Iterator } from 'mingo/lazy';
import type { AnyObject, Options, PipelineOperator } from 'mingo/types';
import { cloneValue } from './clone';
import { compileFilter, UnsupportedOperatorError, type Predicate } from './filter';
import { compileSort, sortItems } from './sort';
import { isPlainObject, type PlainObject } from './values';

/** Stages that never write into the documents they receive. */
const READ_ONLY_STAGES = new Set([
  '$match', '$sort', '$skip', '$limit', '$group', '$count', '$facet', '$replaceRoot', '$replaceWith',
  '$sortByCount', '$bucket', '$bucketAuto',
]);

export type Pipeline = readonly Record<string, unknown>[];

export interface AggregationEngine {
  /** Runs `pipeline` over `input` (stored documents, not copied) and returns copied results. */
  run(input: Iterable<unknown>, pipeline: Pipeline): unknown[];
}

/**
 * mingo's modules, required on the first aggregation instead of at import: they take about
 * 150 ms to load, which every start of the server paid before it could answer /health.
 */
function loadMingo() {
  return {
    Aggregator: (require('mingo/aggregator') as typeof import('mingo/aggregator')).Aggregator,
    Context: (require('mingo/core') as typeof import('mingo/core')).Context,
    Lazy: (require('mingo/lazy') as typeof import('mingo/lazy')).Lazy,
    accumulatorOperators: require('mingo/operators/accumulator') as typeof import('mingo/operators/accumulator'),
    expressionOperators: require('mingo/operators/expression') as typeof import('mingo/operators/expression'),
    pipelineOperators: require('mingo/operators/pipeline') as typeof import('mingo/operators/pipeline'),
    projectionOperators: require('mingo/operators/projection') as typeof import('mingo/operators/projection'),
    queryOperators: require('mingo/operators/query') as typeof import('mingo/operators/query'),
    windowOperators: require('mingo/operators/window') as typeof import('mingo/operators/window'),
  };
}

/** `resolveCollection` gives the documents of another collection, for $lookup. */
export function createAggregationEngine(resolveCollection: (name: string) => PlainObject[]): AggregationEngine {
  let ready: { run: AggregationEngine['run'] } | null = null;
  return {
    run(input: Iterable<unknown>, pipeline: Pipeline): unknown[] {
      validate(pipeline);
      ready ??= mingoEngine(resolveCollection);
      return ready.run(input, pipeline);
    },
  };
}

function mingoEngine(resolveCollection: (name: string) => PlainObject[]): AggregationEngine {
  const { Aggregator, Context, Lazy, accumulatorOperators, expressionOperators, pipelineOperators, projectionOperators, queryOperators, windowOperators } =
    loadMingo();
  const $match = (coll: Iterator, expr: AnyObject, options: Options): Iterator => {
    let pred: Predicate;
    try {
      pred = compileFilter(expr);
    } catch (e) {
      // Operators the matcher does not implement ($expr, $type, ...) go to mingo's own.
      if (e instanceof UnsupportedOperatorError) return pipelineOperators.$match(coll, expr, options);
      throw e;
    }
    return coll.filter((d: unknown) => isPlainObject(d) && pred(d));
  };
  const $sort = (coll: Iterator, expr: AnyObject): Iterator => {
    const sort = compileSort(expr as Record<string, 1 | -1>);
    return coll.transform((docs: unknown[]) => Lazy(sortItems(docs, sort, (d) => d)));
  };
  const context = Context.init({
    accumulator: { ...accumulatorOperators },
    expression: { ...expressionOperators },
    pipeline: { ...pipelineOperators, $match: $match as unknown as PipelineOperator, $sort: $sort as unknown as PipelineOperator },
    projection: { ...projectionOperators },
    query: { ...queryOperators },
    window: { ...windowOperators },
  });
  const options: Partial<Options> = {
    context,
    collectionResolver: (name: string) => resolveCollection(name).map((d) => cloneValue(d)),
  };

  return {
    run(input: Iterable<unknown>, pipeline: Pipeline): unknown[] {
      const firstWriter = pipeline.findIndex((stage) => !isReadOnly(stage));
      let stream: Iterator = Lazy(input);
      const head = firstWriter === -1 ? pipeline : pipeline.slice(0, firstWriter);
      if (head.length > 0) stream = new Aggregator(head as AnyObject[], options).stream(stream);
      if (firstWriter !== -1) {
        stream = new Aggregator(pipeline.slice(firstWriter) as AnyObject[], options).stream(stream.map((d: unknown) => cloneValue(d)));
      }
      return stream.collect<unknown>().map((d) => cloneValue(d));
    },
  };
}

function validate(pipeline: Pipeline): void {
  if (!Array.isArray(pipeline)) throw new TypeError('A pipeline must be an array of stages');
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new TypeError('Each pipeline stage must be an object with exactly one operator');
    }
    const name = Object.keys(stage)[0];
    if (name === '$out' || name === '$merge') throw new TypeError(`${name} is not supported`);
  }
}

function isReadOnly(stage: Record<string, unknown>): boolean {
  const name = Object.keys(stage)[0];
  if (READ_ONLY_STAGES.has(name)) return true;
  if (name === '$project') {
    // mingo removes dotted exclusions in place on a shallow copy.
    const spec = stage.$project;
    return isPlainObject(spec) && Object.entries(spec).every(([k, v]) => !k.includes('.') || (v !== 0 && v !== false));
  }
  return false;
}
