import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { HealthStatus } from './health-status';

describe('HealthStatus', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function render() {
    const fixture = TestBed.createComponent(HealthStatus);
    await fixture.whenStable();
    return fixture;
  }

  const text = (el: HTMLElement) => el.textContent?.replace(/\s+/g, ' ').trim();

  it('should show "Checking" until the gateway answers', async () => {
    const fixture = await render();
    expect(text(fixture.nativeElement)).toContain('Checking gateway');
    http.expectOne('/healthz');
  });

  it('should show "Gateway ready" when /healthz and /readyz both answer 200', async () => {
    const fixture = await render();
    http.expectOne('/healthz').flush({ status: 'ok' });
    http.expectOne('/readyz').flush({ status: 'ready', database: 'up', migrations: 'current' });
    await fixture.whenStable();
    expect(text(fixture.nativeElement)).toContain('Gateway ready');
  });

  it('should show "Gateway not ready" when /readyz answers 503', async () => {
    const fixture = await render();
    http.expectOne('/healthz').flush({ status: 'ok' });
    http
      .expectOne('/readyz')
      .flush({ status: 'not_ready', database: 'down', migrations: 'unknown' }, { status: 503, statusText: 'Service Unavailable' });
    await fixture.whenStable();
    expect(text(fixture.nativeElement)).toContain('Gateway not ready');
  });

  it('should show "Gateway unreachable" and skip /readyz when /healthz fails at the network level', async () => {
    const fixture = await render();
    http.expectOne('/healthz').error(new ProgressEvent('error'));
    http.expectNone('/readyz');
    await fixture.whenStable();
    expect(text(fixture.nativeElement)).toContain('Gateway unreachable');
  });
});
