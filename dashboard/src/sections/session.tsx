import { useEffect, useState } from 'preact/hooks';
import { getJson, type SessionState } from '../api';

/**
 * Sign out, shown only when the server asks for a read token and this page reads through a
 * session cookie (an open server has nothing to sign out of). A plain form POST: the server
 * ends the session, clears the cookie and answers with the sign-in page.
 */
export function SignOut() {
  const [session, setSession] = useState<SessionState | null>(null);
  useEffect(() => {
    getJson<SessionState>('session')
      .then(setSession)
      .catch(() => setSession(null));
  }, []);
  if (session?.readAccess !== 'token' || session.via !== 'session') return null;
  return (
    <form method="post" action="../signout" class="signout">
      <button type="submit" class="button ghost" data-testid="sign-out">
        Sign out
      </button>
    </form>
  );
}
