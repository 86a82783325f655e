import { bridgeScenarios } from './bridgeScenarios';

bridgeScenarios('local', 'conversation');
