/** Renderer entry: mounts the Svelte 5 app shell. */
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

/** The mounted app (kept for hot reload and debugging). */
export const app = mount(App, { target });
