import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { SignInPage } from './sign-in-page';

describe('SignInPage', () => {
  async function render() {
    const fixture = TestBed.createComponent(SignInPage);
    await fixture.whenStable();
    return { fixture, loader: TestbedHarnessEnvironment.loader(fixture) };
  }

  it('should render identifier and password fields with sign-in autofill hints', async () => {
    const { loader } = await render();
    const identifier = await loader.getHarness(MatInputHarness.with({ selector: '[formControlName="identifier"]' }));
    const password = await loader.getHarness(MatInputHarness.with({ selector: '[formControlName="password"]' }));
    expect(await identifier.getType()).toBe('text');
    expect(await password.getType()).toBe('password');
    expect(await (await identifier.host()).getAttribute('autocomplete')).toBe('username');
    expect(await (await password.host()).getAttribute('autocomplete')).toBe('current-password');
  });

  it('should keep "Sign in" disabled even with both fields filled, and explain why', async () => {
    const { fixture, loader } = await render();
    const [identifier, password] = await loader.getAllHarnesses(MatInputHarness);
    await identifier.setValue('ada@example.com');
    await password.setValue('correct horse');

    const button = await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }));
    expect(await button.isDisabled()).toBe(true);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Sign-in arrives with the identity module');
  });
});
