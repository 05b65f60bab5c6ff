import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { App } from './app';
import { routes } from './app.routes';

describe('App', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter(routes, withComponentInputBinding()), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  async function renderAt(url: string) {
    const fixture = TestBed.createComponent(App);
    await TestBed.inject(Router).navigateByUrl(url);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('should show the product name and the gateway status chip in the toolbar', async () => {
    const el = await renderAt('/sign-in');
    expect(el.querySelector('mat-toolbar')?.textContent).toContain('Allot');
    expect(el.querySelector('app-health-status')).not.toBeNull();
    TestBed.inject(HttpTestingController).expectOne('/healthz');
  });

  it('should redirect the root to the sign-in page', async () => {
    const el = await renderAt('/');
    expect(TestBed.inject(Router).url).toBe('/sign-in');
    expect(el.querySelector('app-sign-in-page')).not.toBeNull();
  });

  it('should show the not-found page for an unknown route', async () => {
    const el = await renderAt('/no/such/page');
    expect(el.querySelector('app-not-found-page')?.textContent).toContain('Page not found');
  });
});
