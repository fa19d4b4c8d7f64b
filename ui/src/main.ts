// Entry point: self-hosted fonts, global styles, and the root component.
// Inter is bundled from @fontsource (files land in dist/assets): nothing loads from a CDN.
import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/600.css';
import './app.css';

import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
