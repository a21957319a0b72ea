// A page loaded on first visit (its own script file), so the dashboard responders open first
// does not carry every page of the console.
import { lazy, Suspense, type ComponentType } from 'react';
import { Loading } from './common.tsx';

export function onDemand(load: () => Promise<ComponentType>, what: string) {
  const Page = lazy(async () => ({ default: await load() }));
  return function OnDemand() {
    return (
      <Suspense fallback={<Loading what={what} />}>
        <Page />
      </Suspense>
    );
  };
}
