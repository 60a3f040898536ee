/**
 * Public API of the scenario layer (pure; file reading lives in scenarios/io). See
 * docs/README-scenarios.md for the file format and the semantics of every action.
 */
export { parseScenario, validateScenario, checkScenarioForArray, MAX_SCENARIO_CHARS, type ValidScenario, type ScenarioResult } from './validate';
export { formatError, formatPath, type ScenarioError, type ScenarioFailure, type TextPosition } from './errors';
export { runScenario, toSimEvents, type RunScenarioOptions } from './driver';
export { buildScenarioMachine, scenarioSetup, timelineSimulator, stateLabel, type ScenarioInput, type EventClock } from './machine';
export { CycleClock } from './clock';
export { shortestScenarioPaths, sampleEvents, graphMachine, type ScenarioPath } from './paths';
export { inventory, type MachineInventory } from './walk';
export { scenarioJsonSchema, ACTION_TYPES, GUARD_TYPES, EVENT_NAMES, type ScenarioFile, type StateNodeJson } from './schema';
export { faultsActiveAt } from './faultstate';
export type { ScenarioRun, TracePoint, SimEvent, TimelineEntryLike, RateProcess, ScrubRecord, DeclaredFault, ScenarioContext } from './types';
