import { type Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'sign-in' },
  {
    path: 'sign-in',
    title: 'Sign in · Allot',
    loadComponent: () => import('./features/sign-in/sign-in-page').then((m) => m.SignInPage),
  },
  {
    path: 'invite/:token',
    title: 'Invitation · Allot',
    loadComponent: () => import('./features/invitations/invite-page').then((m) => m.InvitePage),
  },
  {
    path: '**',
    title: 'Page not found · Allot',
    loadComponent: () => import('./features/not-found/not-found-page').then((m) => m.NotFoundPage),
  },
];
