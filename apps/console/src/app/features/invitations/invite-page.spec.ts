import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { routes } from '../../app.routes';
import { InvitePage } from './invite-page';

describe('InvitePage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      // The real routes, so the test also covers `:token` → input binding and the lazy route.
      providers: [provideRouter(routes, withComponentInputBinding()), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function open(url: string) {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, InvitePage);
    return harness;
  }

  const text = (harness: RouterTestingHarness) => harness.routeNativeElement?.textContent?.replace(/\s+/g, ' ');

  it('should show a loading state, then welcome the invitee with their role', async () => {
    const harness = await open('/invite/tok-123');
    expect(text(harness)).toContain('Checking your invitation');

    const req = http.expectOne('/api/v1/invitations/tok-123');
    expect(req.request.method).toBe('GET');
    req.flush({ identifier: 'ada@example.com', role: 'admin', expiresAt: '2030-01-02T03:04:05.000Z' });
    await harness.fixture.whenStable();

    expect(text(harness)).toContain('Welcome, ada@example.com');
    expect(text(harness)).toContain('You are invited as Administrator');
    expect(text(harness)).toContain('Password setup arrives with the identity module');
    expect(text(harness)).not.toContain('Checking your invitation');
  });

  it('should encode the token so it cannot change the request path', async () => {
    await open('/invite/a%2F..%2Fb');
    http.expectOne('/api/v1/invitations/a%2F..%2Fb').flush({ identifier: 'x', role: 'member', expiresAt: '2030-01-01T00:00:00Z' });
  });

  it('should explain an expired invitation (410 invitation_expired)', async () => {
    const harness = await open('/invite/old');
    http
      .expectOne('/api/v1/invitations/old')
      .flush({ statusCode: 410, code: 'invitation_expired', message: 'Invitation expired' }, { status: 410, statusText: 'Gone' });
    await harness.fixture.whenStable();

    const alert = harness.routeNativeElement?.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('This invitation has expired');
    expect(text(harness)).toContain('Invitation expired');
    expect(text(harness)).not.toContain('Welcome');
  });

  it('should tell a used invitation apart from an expired one (410 invitation_used)', async () => {
    const harness = await open('/invite/used');
    http
      .expectOne('/api/v1/invitations/used')
      .flush({ statusCode: 410, code: 'invitation_used', message: 'used' }, { status: 410, statusText: 'Gone' });
    await harness.fixture.whenStable();
    expect(text(harness)).toContain('Invitation already used');
  });

  it('should say the link is not valid for 404 invitation_not_found', async () => {
    const harness = await open('/invite/nope');
    http
      .expectOne('/api/v1/invitations/nope')
      .flush({ statusCode: 404, code: 'invitation_not_found', message: 'nf' }, { status: 404, statusText: 'Not Found' });
    await harness.fixture.whenStable();
    expect(text(harness)).toContain('Invitation not found');
  });

  it('should fall back to a generic error for an unexpected failure', async () => {
    const harness = await open('/invite/boom');
    http.expectOne('/api/v1/invitations/boom').flush('oops', { status: 500, statusText: 'Internal Server Error' });
    await harness.fixture.whenStable();
    expect(text(harness)).toContain('Could not load the invitation');
  });
});
