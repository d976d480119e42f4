/**
 * The shopping-cart service shared by the HTTP examples (http-fastify.ts, http-hono.ts,
 * http-express.ts): a cart aggregate (a decider), its command handler, and a read model of
 * each customer's carts kept by a projection, on any event store URL.
 */
import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import {
  AggregateNotFoundError,
  AggregateRepository,
  CommandHandler,
  fromDecider,
  type CommandResult,
  type Decider,
  type DeciderAggregate,
  type HandleOptions,
} from '../../src/aggregates/index.js';
import {
  createEventStore,
  defineEvent,
  payload,
  type EventOf,
  type EventStore,
} from '../../src/index.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  startProjection,
  type Subscription,
} from '../../src/subscriptions/index.js';

export const CartOpened = defineEvent('CartOpened', payload<{ customer: string }>());
export const ItemAdded = defineEvent(
  'ItemAdded',
  payload<{ sku: string; quantity: number; priceCents: number }>(),
);
export const CartCheckedOut = defineEvent('CartCheckedOut', payload<{ totalCents: number }>());
export type CartEvent =
  EventOf<typeof CartOpened> | EventOf<typeof ItemAdded> | EventOf<typeof CartCheckedOut>;

export type CartCommand =
  | { readonly type: 'OpenCart'; readonly customer: string }
  | {
      readonly type: 'AddItem';
      readonly sku: string;
      readonly quantity: number;
      readonly priceCents: number;
    }
  | { readonly type: 'CheckOut' };

export interface CartState {
  readonly status: 'none' | 'open' | 'checked-out';
  readonly customer: string;
  readonly items: readonly { sku: string; quantity: number; priceCents: number }[];
  readonly totalCents: number;
}

/** A rule of the cart that a request broke: answered with its `status` (409 or 422). */
export class CartRuleError extends Error {
  constructor(
    message: string,
    readonly status: 409 | 422,
    readonly code = 'CART_RULE',
  ) {
    super(message);
  }
}

/** A command other than OpenCart for a cart that does not exist (the service makes it a 404). */
class CartMissing extends Error {}

export const cartDecider: Decider<CartCommand, CartEvent, CartState> = {
  initialState: { status: 'none', customer: '', items: [], totalCents: 0 },
  decide: (command, state) => {
    if (command.type === 'OpenCart') {
      if (state.status !== 'none') throw new CartRuleError('The cart is already open', 409);
      return [CartOpened({ customer: command.customer })];
    }
    if (state.status === 'none') throw new CartMissing();
    if (state.status === 'checked-out') throw new CartRuleError('The cart is checked out', 409);
    if (command.type === 'AddItem') {
      const { sku, quantity, priceCents } = command;
      return [ItemAdded({ sku, quantity, priceCents })];
    }
    if (state.items.length === 0) throw new CartRuleError('An empty cart cannot check out', 422);
    return [CartCheckedOut({ totalCents: state.totalCents })];
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'CartOpened':
        return { ...state, status: 'open', customer: event.data.customer };
      case 'ItemAdded':
        return {
          ...state,
          items: [...state.items, event.data],
          totalCents: state.totalCents + event.data.quantity * event.data.priceCents,
        };
      case 'CartCheckedOut':
        return { ...state, status: 'checked-out' };
    }
  },
};

/** The bodies the endpoints take (validated with `validateBody`: a mismatch is a 422). */
export const OpenCartBody = z.object({ customer: z.string().min(1) });
export const AddItemBody = z.object({
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
  priceCents: z.number().int().nonnegative(),
});

/** Each customer's carts and their status: the read model of the `customer-carts` projection. */
export type CustomerCarts = Map<string, Map<string, CartState['status']>>;

function customerCartsProjection(view: CustomerCarts) {
  const customerOf = new Map<string, string>();
  return defineProjection<undefined, CartEvent>({
    name: 'customer-carts',
    handlers: {
      CartOpened: (event) => {
        customerOf.set(event.streamId, event.data.customer);
        const carts = view.get(event.data.customer) ?? new Map<string, CartState['status']>();
        view.set(event.data.customer, carts.set(event.streamId.slice('Cart-'.length), 'open'));
      },
      CartCheckedOut: (event) => {
        const customer = customerOf.get(event.streamId) ?? '';
        view.get(customer)?.set(event.streamId.slice('Cart-'.length), 'checked-out');
      },
    },
    reset: () => view.clear(),
  });
}

type Cart = DeciderAggregate<CartCommand, CartEvent, CartState>;

/** The running service: the store, the carts' handler and repository, the projection and its view. */
export interface CartService extends AsyncDisposable {
  readonly store: EventStore;
  readonly repository: AggregateRepository<Cart>;
  /** Runs a command on a cart; a missing cart is an `AggregateNotFoundError` (404). */
  handle(id: string, command: CartCommand, options?: HandleOptions): Promise<CommandResult<Cart>>;
  readonly customerCarts: CustomerCarts;
  readonly projection: Subscription<undefined>;
}

const cartAggregate = fromDecider('Cart', cartDecider);

/** The default store: a SQLite file, created on first run. */
export const DEFAULT_URL = 'sqlite://.eventfold/carts.db';

/** Opens the service on the store at `url` (default a SQLite file). */
export async function openCartService(url = DEFAULT_URL): Promise<CartService> {
  if (url === DEFAULT_URL) mkdirSync('.eventfold', { recursive: true });
  const store = await createEventStore(url);
  const repository = new AggregateRepository(store, cartAggregate);
  const carts = CommandHandler.forDecider(repository);
  const customerCarts: CustomerCarts = new Map();
  const projection = startProjection(store, customerCartsProjection(customerCarts), {
    storage: new InMemorySubscriptionStorage(),
  });
  return {
    store,
    repository,
    async handle(id, command, options) {
      try {
        return await carts.handle(id, command, options);
      } catch (error) {
        if (error instanceof CartMissing) {
          throw new AggregateNotFoundError(repository.streamIdOf(id), 'Cart');
        }
        throw error;
      }
    },
    customerCarts,
    projection,
    async [Symbol.asyncDispose]() {
      await projection.stop();
      await store.close();
    },
  };
}

/** The cart as the API shows it. */
export function cartView(id: string, state: CartState): Record<string, unknown> {
  return { id, ...state };
}
