import { render } from 'preact';
import { App, start } from './app.js';
import './style.css';
import './plots.css';

render(<App />, document.getElementById('root')!);
void start();
