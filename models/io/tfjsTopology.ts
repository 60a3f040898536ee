/**
 * Pure reading of a tfjs / Keras LayersModel topology (model.json `modelTopology`) into a flat list
 * of layer nodes with resolved input names. Accepts Sequential and functional ("Model"/"Functional")
 * models, tfjs-layers and Keras 2/3 inbound-node encodings.
 */
import { fail, ok, type Result } from '../../sim/result';

/** One Keras layer with its class, config and the names of the layers feeding it. */
export interface KerasNode {
  readonly className: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Source layer names; empty for InputLayer. */
  readonly inputs: readonly string[];
}

/** Parsed topology: nodes in topological order, the input shape and the output layer name. */
export interface KerasGraph {
  readonly name: string;
  readonly nodes: readonly KerasNode[];
  /** [h, w, c] or [features] without the batch dimension. */
  readonly inputShape: readonly number[];
  readonly output: string;
}

/** Most layers accepted in one model. */
export const MAX_KERAS_LAYERS = 2000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function inboundNames(raw: unknown, where: string): Result<string[]> {
  if (!Array.isArray(raw) || raw.length === 0) return ok([]);
  if (raw.length > 1) return fail(`${where}: layer is called ${raw.length} times (shared layers are unsupported)`);
  const node = raw[0];
  if (Array.isArray(node)) return ok(node.map((t) => String((t as unknown[])[0])));
  if (isObj(node) && Array.isArray(node.args)) {
    const names: string[] = [];
    const visit = (a: unknown): void => {
      if (Array.isArray(a)) a.forEach(visit);
      else if (isObj(a) && isObj(a.config) && Array.isArray(a.config.keras_history)) names.push(String(a.config.keras_history[0]));
    };
    visit(node.args);
    return ok(names);
  }
  return fail(`${where}: inbound_nodes: expected a list of [name, node, tensor] or a Keras 3 node, found ${JSON.stringify(node).slice(0, 80)}`);
}

function batchShape(cfg: Obj): number[] | null {
  const s = (cfg.batch_input_shape ?? cfg.batch_shape) as unknown;
  return Array.isArray(s) ? s.slice(1).map(Number) : null;
}

/** Parses `modelTopology` (or a Keras `model_config` wrapper); `file` names the source in errors. */
export function parseKerasTopology(topology: unknown, file = 'model.json'): Result<KerasGraph> {
  let top = topology;
  if (isObj(top) && isObj(top.model_config)) top = top.model_config;
  if (!isObj(top) || typeof top.class_name !== 'string') return fail(`${file}: modelTopology: expected {class_name, config}, found ${typeof top}`, 'modelTopology');
  const cls = top.class_name;
  const cfg = top.config;
  const layersRaw = Array.isArray(cfg) ? cfg : isObj(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(layersRaw)) return fail(`${file}: modelTopology.config.layers: expected an array`, 'modelTopology.config.layers');
  if (layersRaw.length > MAX_KERAS_LAYERS) return fail(`${file}: ${layersRaw.length} layers exceeds the limit of ${MAX_KERAS_LAYERS}`);
  const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : 'imported';
  const nodes: KerasNode[] = [];
  let inputShape: number[] | null = null;
  for (const [i, l] of layersRaw.entries()) {
    const where = `${file}: modelTopology.config.layers[${i}]`;
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) return fail(`${where}: expected {class_name, config}`);
    const lname = String(l.config.name ?? l.name ?? `layer${i}`);
    let inputs: string[];
    if (cls === 'Sequential') {
      inputs = nodes.length ? [nodes[nodes.length - 1]!.name] : [];
      const s = batchShape(l.config);
      if (nodes.length === 0 && s && l.class_name !== 'InputLayer') {
        inputShape = s;
        nodes.push({ className: 'InputLayer', name: '__input', config: {}, inputs: [] });
        inputs = ['__input'];
      }
    } else if (cls === 'Model' || cls === 'Functional') {
      const r = inboundNames(l.inbound_nodes, `${where} (${lname})`);
      if (!r.ok) return r;
      inputs = r.value;
    } else {
      return fail(`${file}: modelTopology.class_name: expected Sequential, Model or Functional, found '${cls}'`);
    }
    if (l.class_name === 'InputLayer') {
      if (inputShape) return fail(`${where} (${lname}): models with more than one input are unsupported`);
      inputShape = batchShape(l.config);
      if (!inputShape) return fail(`${where} (${lname}): InputLayer without batch_input_shape / batch_shape`);
    }
    nodes.push({ className: l.class_name, name: lname, config: l.config, inputs });
  }
  if (!inputShape) return fail(`${file}: no input shape (expected an InputLayer or batch_input_shape on the first layer)`);
  if (inputShape.some((d) => !Number.isInteger(d) || d < 1)) return fail(`${file}: input shape [${inputShape.join(',')}] must be fixed positive integers`);
  let output = nodes[nodes.length - 1]!.name;
  if (isObj(cfg) && Array.isArray(cfg.output_layers)) {
    const outs = cfg.output_layers as unknown[];
    const flat = outs.length > 0 && !Array.isArray(outs[0]) ? [outs] : outs;
    if (flat.length !== 1) return fail(`${file}: models with ${flat.length} outputs are unsupported (expected 1)`);
    output = String((flat[0] as unknown[])[0]);
  }
  return ok({ name, nodes, inputShape, output });
}
