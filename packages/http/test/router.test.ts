import { createRouter } from '../src/router/pattern-router';
import { describeRouterContract } from './router.case';

describeRouterContract('PatternRouter', () => createRouter<string>());
