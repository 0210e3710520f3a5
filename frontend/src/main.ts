// Entry point loaded by every page (templates/pages/layout.mustache). Page-specific
// modules (map, charts) are separate entry points loaded only where needed.
import { enhanceForms } from './forms';

document.documentElement.classList.add('js');
enhanceForms(document);
