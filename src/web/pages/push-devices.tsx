// Push on this device (Account → Push notifications): "Enable push on this device" subscribes
// this browser through the console's service worker and registers it for me; the section says
// whether this device takes pushes, lists my other devices, and removes any of them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { PushDeviceView, PushSubscriptionsView } from '../../shared/api/notifications.ts';
import { ApiError, del, request } from '../api.ts';
import { ErrorMessage, QueryState } from '../components/common.tsx';
import { currentSubscription, deviceName, pushSupported, subscribeThisBrowser } from '../push.ts';

const KEY = ['me', 'push-subscriptions'] as const;
const PREFERENCES = ['me', 'notification-preferences'] as const;

/** Registers the subscription; one another person registered on this browser is replaced by a
 * fresh one (a new endpoint), once. */
async function enable(publicKey: string): Promise<string> {
  const register = (subscription: PushSubscription) =>
    request<PushDeviceView>('/me/push-subscriptions', {
      method: 'POST',
      body: { ...subscription.toJSON(), device: deviceName() },
    });
  const subscription = await subscribeThisBrowser(publicKey);
  if (!subscription) {
    throw new Error(
      'This browser did not allow notifications. Allow them for this site in its settings, then try again.',
    );
  }
  try {
    return (await register(subscription)).endpoint;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    const fresh = await subscribeThisBrowser(publicKey, true);
    if (!fresh) throw error;
    return (await register(fresh)).endpoint;
  }
}

function Devices({ view }: { view: PushSubscriptionsView }) {
  const queryClient = useQueryClient();
  const [here, setHere] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    currentSubscription().then(
      (s) => live && setHere(s?.endpoint ?? null),
      () => live && setHere(null),
    );
    return () => {
      live = false;
    };
  }, []);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: KEY });
    await queryClient.invalidateQueries({ queryKey: PREFERENCES });
  };
  const turnOn = useMutation({
    mutationFn: () => enable(view.publicKey),
    onSuccess: async (endpoint) => {
      setHere(endpoint);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (device: PushDeviceView) => {
      await del(`/me/push-subscriptions/${encodeURIComponent(device.id)}`);
      if (device.endpoint === here) {
        const subscription = await currentSubscription();
        await subscription?.unsubscribe();
        setHere(null);
      }
    },
    onSuccess: refresh,
  });
  const thisDevice = view.devices.find((d) => d.endpoint === here) ?? null;
  const others = view.devices.filter((d) => d !== thisDevice);
  return (
    <>
      {!pushSupported() ? (
        <p>
          This browser cannot take push notifications. Install the console or use another browser.
        </p>
      ) : thisDevice ? (
        <>
          <p role="status" data-testid="push-state">
            Push is on for this device ({thisDevice.device}).
          </p>
          <button
            type="button"
            onClick={() => remove.mutate(thisDevice)}
            disabled={remove.isPending}
          >
            Turn off push on this device
          </button>
        </>
      ) : (
        <>
          <p role="status" data-testid="push-state">
            {here === undefined ? 'Checking this device…' : 'Push is off for this device.'}
          </p>
          <button
            type="button"
            onClick={() => turnOn.mutate()}
            disabled={turnOn.isPending || here === undefined}
          >
            Enable push on this device
          </button>
        </>
      )}
      <ErrorMessage error={turnOn.error ?? remove.error} focus />
      {others.length > 0 ? (
        <>
          <h3>My other devices</h3>
          <ul>
            {others.map((d) => (
              <li key={d.id}>
                {d.device}, since {new Date(d.createdAt).toLocaleDateString()}{' '}
                <button
                  type="button"
                  onClick={() => remove.mutate(d)}
                  disabled={remove.isPending}
                  aria-label={`Remove ${d.device}, since ${new Date(d.createdAt).toLocaleDateString()}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function PushDevices() {
  const devices = useQuery({
    queryKey: KEY,
    queryFn: () => request<PushSubscriptionsView>('/me/push-subscriptions'),
  });
  return (
    <section className="narrow" aria-labelledby="push-heading">
      <h2 id="push-heading">Push notifications</h2>
      <p className="muted">
        Pages and the line stopping arrive on this device as notifications, even with the console
        closed, with an Acknowledge button. Choose &ldquo;Browser push&rdquo; for other kinds of
        notice under Notifications.
      </p>
      <QueryState query={devices} what="your devices">
        {(view) => <Devices view={view} />}
      </QueryState>
    </section>
  );
}
