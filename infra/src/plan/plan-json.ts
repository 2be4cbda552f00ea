/**
 * The parts of `terraform show -json <plan>` (format 1.x) the summary reads, and a view of the plan as two worlds:
 * the resources as they are (`before`, from the prior state) and as they will be (`after`, from the planned values).
 *
 * In the `after` world many ids are unknown until apply (a new resource has no id yet), so a reference such as a
 * method's `resource_id` is followed through the configuration's expression references instead; in the `before`
 * world every id is known and is looked up among the prior state's resources.
 */

/** What terraform will do to one resource instance. `["create","delete"]`/`["delete","create"]` is a replacement. */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

type Attributes = Record<string, unknown>;

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  /** e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    readonly before: Attributes | null;
    readonly after: Attributes | null;
    /** Mirrors `after`; `true` where the value is known only after apply. */
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    /** The attribute paths that force the replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

export interface StateResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly values: Attributes;
  readonly sensitive_values?: unknown;
}

export interface StateModule {
  readonly address?: string;
  readonly resources?: readonly StateResource[];
  readonly child_modules?: readonly StateModule[];
}

/** An attribute's expression: a constant, references to other objects, or both (CDKTF writes `"${a.b.id}"`). */
export interface Expression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

export interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly expressions?: Readonly<Record<string, unknown>>;
}

export interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly planned_values?: { readonly root_module?: StateModule };
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
  readonly configuration?: {
    readonly root_module?: ConfigModule;
    /** Provider blocks by name (`aws`, `aws.us_east_1`), with their arguments as expressions. */
    readonly provider_config?: Readonly<Record<string, { readonly name?: string; readonly alias?: string; readonly expressions?: Readonly<Record<string, unknown>> }>>;
  };
  readonly errored?: boolean;
}

/** A value only apply will tell. */
export const UNKNOWN = Symbol('known after apply');
/** A value the plan marks sensitive: never printed. */
export const SENSITIVE = Symbol('sensitive');
export type Value = unknown;

/** One resource instance in one world. */
export interface Node {
  readonly address: string;
  readonly type: string;
  readonly change?: ResourceChange;
  readonly values: Attributes;
  /** `after_unknown` in the after world; nothing is unknown before. */
  readonly unknown: unknown;
  readonly sensitive: unknown;
}

export type Side = 'before' | 'after';

/** The action terraform prints for a change: one of create, update, delete, replace, or no-op. */
export type ChangeKind = 'create' | 'update' | 'delete' | 'replace' | 'no-op';

export function changeKind(actions: readonly PlanAction[]): ChangeKind {
  const create = actions.includes('create');
  const remove = actions.includes('delete');
  if (create && remove) return 'replace';
  if (create) return 'create';
  if (remove) return 'delete';
  if (actions.includes('update')) return 'update';
  return 'no-op';
}

/** Whether a nested `after_unknown`/`*_sensitive` mirror holds `true` anywhere. */
export function marks(mirror: unknown): boolean {
  if (mirror === true) return true;
  if (Array.isArray(mirror)) return mirror.some(marks);
  if (mirror && typeof mirror === 'object') return Object.values(mirror).some(marks);
  return false;
}

function at(mirror: unknown, path: readonly (string | number)[]): unknown {
  let current = mirror;
  for (const key of path) {
    if (current === true) return true;
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * The value at `path` in a node: `UNKNOWN` when apply decides it, `SENSITIVE` when the plan hides it, else the value
 * (`undefined`/`null` when absent).
 */
export function valueAt(node: Node, ...path: (string | number)[]): Value {
  if (at(node.sensitive, path) === true) return SENSITIVE;
  if (at(node.unknown, path) === true) return UNKNOWN;
  let current: unknown = node.values;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** `aws_x.name[0]` / `module.m.aws_x.name["k"]` → `aws_x.name` / `module.m.aws_x.name` (configuration addresses). */
export function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

const RESOURCE_REF = /^((?:module\.[A-Za-z0-9_-]+\.)*)([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/;

/** A reference read from the configuration: the resource it points at and the attribute it reads. */
export interface Reference {
  readonly address: string;
  readonly attribute?: string;
}

/**
 * The plan as two worlds plus the configuration's references, with lookups by address and by id. Built once per plan.
 */
export class PlanIndex {
  readonly changes: readonly ResourceChange[];
  private readonly nodes: Record<Side, Map<string, Node>> = { before: new Map(), after: new Map() };
  private readonly config = new Map<string, ConfigResource>();
  /** `"<side> <attribute>"` → id → node, built on first use. */
  private readonly ids = new Map<string, Map<string, Node>>();

  constructor(readonly plan: PlanJson) {
    this.changes = (plan.resource_changes ?? []).filter((rc) => rc.mode === 'managed');
    for (const resource of stateResources(plan.prior_state?.values?.root_module)) {
      this.nodes.before.set(resource.address, {
        address: resource.address,
        type: resource.type,
        values: resource.values,
        unknown: undefined,
        sensitive: resource.sensitive_values,
      });
    }
    for (const rc of this.changes) {
      const { before, after } = rc.change;
      if (before) {
        this.nodes.before.set(rc.address, {
          address: rc.address,
          type: rc.type,
          change: rc,
          values: before,
          unknown: undefined,
          sensitive: rc.change.before_sensitive,
        });
      }
      if (after) {
        this.nodes.after.set(rc.address, {
          address: rc.address,
          type: rc.type,
          change: rc,
          values: after,
          unknown: rc.change.after_unknown,
          sensitive: rc.change.after_sensitive,
        });
      }
    }
    // A plan made with -refresh-only or from an older terraform may omit resource_changes for some resources: the
    // planned values still describe the after world.
    for (const resource of stateResources(plan.planned_values?.root_module)) {
      if (resource.mode !== 'managed' || this.nodes.after.has(resource.address)) continue;
      this.nodes.after.set(resource.address, {
        address: resource.address,
        type: resource.type,
        values: resource.values,
        unknown: undefined,
        sensitive: resource.sensitive_values,
      });
    }
    collectConfig(plan.configuration?.root_module, '', this.config);
  }

  /** Every node of a world of the given type, in plan order. */
  all(side: Side, type: string): Node[] {
    return [...this.nodes[side].values()].filter((node) => node.type === type);
  }

  node(side: Side, address: string): Node | undefined {
    const exact = this.nodes[side].get(address);
    if (exact) return exact;
    // A configuration address without an instance key: take its first instance.
    for (const node of this.nodes[side].values()) if (configAddress(node.address) === address) return node;
    return undefined;
  }

  /** The node of `side` whose `attribute` (default `id`) equals `id`. */
  byId(side: Side, id: string, attribute = 'id'): Node | undefined {
    const key = `${side} ${attribute}`;
    let ids = this.ids.get(key);
    if (!ids) {
      ids = new Map();
      for (const node of this.nodes[side].values()) {
        const value = node.values[attribute];
        if (typeof value === 'string' && value !== '' && !ids.has(value)) ids.set(value, node);
      }
      this.ids.set(key, ids);
    }
    return ids.get(id);
  }

  /**
   * The first resource `attribute` of `node` refers to in the configuration; a path reaches into blocks
   * (`['access_log_settings', 0, 'destination_arn']`).
   */
  reference(node: Node, attribute: string | readonly (string | number)[]): Reference | undefined {
    const config = this.config.get(configAddress(node.address));
    let expression: unknown = config?.expressions;
    for (const key of typeof attribute === 'string' ? [attribute] : attribute) {
      expression = expression && typeof expression === 'object' ? (expression as Record<string | number, unknown>)[key] : undefined;
    }
    const prefix = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)/.exec(node.address)?.[1]?.replace(/\[[^\]]*\]/g, '') ?? '';
    for (const ref of (expression as Expression | undefined)?.references ?? []) {
      const match = RESOURCE_REF.exec(ref);
      if (!match || match[2] === 'var' || match[2] === 'local' || match[2] === 'data' || match[2] === 'each') continue;
      return { address: `${prefix}${match[1]}${match[2]}.${match[3]}`, ...(match[4] ? { attribute: match[4] } : {}) };
    }
    return undefined;
  }

  /**
   * The node `node.attribute` points at, in the same world: by id when the value is known, else through the
   * configuration. `attribute` of the result names the target's attribute that was matched (e.g. `root_resource_id`).
   */
  follow(side: Side, node: Node, attribute: string, idAttributes: readonly string[] = ['id']): { node: Node; attribute: string } | undefined {
    const value = valueAt(node, attribute);
    if (typeof value === 'string' && value !== '') {
      for (const idAttribute of idAttributes) {
        const found = this.byId(side, value, idAttribute) ?? (side === 'after' ? this.byId('before', value, idAttribute) : undefined);
        if (found) return { node: this.node(side, found.address) ?? found, attribute: idAttribute };
      }
    }
    if (side === 'before' && value !== UNKNOWN) return undefined;
    const ref = this.reference(node, attribute);
    const target = ref && (this.node(side, ref.address) ?? this.node('before', ref.address));
    return target ? { node: target, attribute: ref.attribute ?? 'id' } : undefined;
  }
}

function* stateResources(module: StateModule | undefined): Generator<StateResource> {
  if (!module) return;
  yield* module.resources ?? [];
  for (const child of module.child_modules ?? []) yield* stateResources(child);
}

function collectConfig(module: ConfigModule | undefined, prefix: string, into: Map<string, ConfigResource>): void {
  if (!module) return;
  for (const resource of module.resources ?? []) into.set(`${prefix}${resource.address}`, resource);
  for (const [name, call] of Object.entries(module.module_calls ?? {})) {
    collectConfig(call.module, `${prefix}module.${name}.`, into);
  }
}
