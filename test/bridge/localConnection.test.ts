import { bridgeScenarios } from './bridgeScenarios';

bridgeScenarios('local', 'connection');
