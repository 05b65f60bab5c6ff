import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';

// The browser console is the only place a failed bootstrap can be reported.
// eslint-disable-next-line no-console
bootstrapApplication(App, appConfig).catch((err: unknown) => console.error(err));
