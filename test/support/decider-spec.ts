import type { Decider, DomainEvent } from '../../src/domain/shared/decider';

/**
 * Given events / when command / then events or error, for any decider:
 *
 *   spec.given([submitted]).when(approve).then([approved]);
 *   spec.given([]).when(approve).thenThrows(NotFoundError);
 */
export function deciderSpec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly Event[]): void {
              expect(run()).toEqual(expected);
            },
            thenNothing(): void {
              expect(run()).toEqual([]);
            },
            thenThrows<E extends Error>(
              errorClass: abstract new (...args: never[]) => E,
              check?: (error: E) => void,
            ): void {
              let thrown: unknown;
              try {
                run();
              } catch (e) {
                thrown = e;
              }
              expect(thrown).toBeInstanceOf(errorClass);
              check?.(thrown as E);
            },
          };
        },
      };
    },
  };
}
